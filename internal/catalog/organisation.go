package catalog

import "time"

// OrganisationKind is what sort of body an organisation is.
type OrganisationKind string

// Organisation owns use-cases and API keys.
type Organisation struct {
	ID               string           `json:"id" example:"albertslund"`
	Name             string           `json:"name" example:"Albertslund Kommune"`
	Kind             OrganisationKind `json:"kind" example:"municipality"`
	MunicipalityCode string           `json:"municipality_code,omitempty" example:"165"`
	Website          string           `json:"website,omitempty" example:"https://www.albertslund.dk"`
	CreatedAt        time.Time        `json:"created_at" format:"date-time" example:"2025-09-02T17:00:00Z"`
}

// Validate checks an organisation and names every bad field.
func (o *Organisation) Validate() error {
	var fe FieldErrors
	if !ValidateSlug(o.ID) {
		fe.Add("id", FieldNotAllowed, "must be 2 to 40 lowercase letters a-z, digits and '-', starting with a letter or digit")
	}
	textLen(&fe, "name", o.Name, 2, ShortTextMax)
	plainText(&fe, "name", o.Name)
	enum(&fe, "kind", string(o.Kind), OrganisationKinds, true)
	if o.MunicipalityCode != "" && !municipalityCode.MatchString(o.MunicipalityCode) {
		fe.Add("municipality_code", FieldNotAllowed, "must be a three-digit Danish municipality code such as 165")
	}
	if o.Website != "" {
		httpURL(&fe, "website", o.Website)
	}
	// Anyone may read an organisation, so its texts hold no personal data at all.
	fe = append(fe, guardPublic("id", o.ID, "name", o.Name, "website", o.Website)...)
	return fe.Err("the organisation has invalid fields")
}

// Founders are the organisations a fresh catalogue holds: the twelve DSD municipalities and the
// consortium itself.
var Founders = []Organisation{
	{ID: "albertslund", Name: "Albertslund Kommune", Kind: "municipality", MunicipalityCode: "165", Website: "https://www.albertslund.dk"},
	{ID: "brondby", Name: "Brøndby Kommune", Kind: "municipality", MunicipalityCode: "153", Website: "https://www.brondby.dk"},
	{ID: "dragor", Name: "Dragør Kommune", Kind: "municipality", MunicipalityCode: "155", Website: "https://www.dragoer.dk"},
	{ID: "glostrup", Name: "Glostrup Kommune", Kind: "municipality", MunicipalityCode: "161", Website: "https://www.glostrup.dk"},
	{ID: "herlev", Name: "Herlev Kommune", Kind: "municipality", MunicipalityCode: "163", Website: "https://www.herlev.dk"},
	{ID: "hvidovre", Name: "Hvidovre Kommune", Kind: "municipality", MunicipalityCode: "167", Website: "https://www.hvidovre.dk"},
	{ID: "hoje-taastrup", Name: "Høje-Taastrup Kommune", Kind: "municipality", MunicipalityCode: "169", Website: "https://www.htk.dk"},
	{ID: "ishoj", Name: "Ishøj Kommune", Kind: "municipality", MunicipalityCode: "183", Website: "https://www.ishoj.dk"},
	{ID: "rodovre", Name: "Rødovre Kommune", Kind: "municipality", MunicipalityCode: "175", Website: "https://www.rk.dk"},
	{ID: "solrod", Name: "Solrød Kommune", Kind: "municipality", MunicipalityCode: "269", Website: "https://www.solrod.dk"},
	{ID: "vallensbaek", Name: "Vallensbæk Kommune", Kind: "municipality", MunicipalityCode: "187", Website: "https://www.vallensbaek.dk"},
	{ID: "tarnby", Name: "Tårnby Kommune", Kind: "municipality", MunicipalityCode: "185", Website: "https://www.taarnby.dk"},
	{ID: "dsk", Name: "Dansk Sprogmodel Konsortium", Kind: "consortium", Website: "https://www.dansksprogmodel.dk"},
}
