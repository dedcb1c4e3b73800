package catalog

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// validDraft returns a draft that passes every rule, shared publicly, for tests to spoil one
// field at a time.
func validDraft() *Draft {
	yes := true
	return &Draft{
		Title:        "Automatisk journalisering af indgående post",
		Summary:      "En sprogmodel foreslår journalnummer og sagsemne for indgående post.",
		Description:  "Borgerservice modtager omkring 400 breve om dagen.",
		Category:     "casework_automation",
		PolicyArea:   "general_public_services",
		Tags:         []string{"journalisering", "esdh"},
		Maturity:     "pilot",
		Sharing:      SharingPublic,
		AIActRisk:    "limited_risk",
		PersonalData: "personal",
		DataLocation: "eu_eea",
		ImpactAssessments: []ImpactAssessment{
			{Type: "dpia", Status: "done", URL: "https://www.albertslund.dk/dpia.pdf"},
			{Type: "fria", Status: "planned"},
		},
		Models:           []Model{{Name: "Munin-7B", Provider: "Danish Foundation Models", OpenWeights: &yes, Hosting: "on_premises"}},
		Vendors:          []string{"Netcompany"},
		CitizenLanguages: []string{"da", "en", "uk"},
		Links:            []Link{{Title: "Kildekode", URL: "https://github.com/albertslund/journalisering"}},
		ContactEmail:     "digitalisering@albertslund.dk",
		StartedOn:        "2025-03-01",
	}
}

// fieldCodes returns the "field code" pairs of a validation error, sorted, or nil for nil.
func fieldCodes(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is a %T, want *Error", err, err)
	}
	if e.Code != ErrInvalid {
		t.Errorf("error code %q, want %q", e.Code, ErrInvalid)
	}
	if len(e.Fields) == 0 {
		t.Errorf("error %v names no fields", err)
	}
	var out []string
	for _, f := range e.Fields {
		if f.Message == "" {
			t.Errorf("%s: empty message", f.Field)
		}
		out = append(out, f.Field+" "+f.Code)
	}
	slices.Sort(out)
	return out
}

func TestDraftValidate(t *testing.T) {
	n := strings.Repeat // n("ø", 200) is 200 characters but 400 bytes
	many := func(k int, f func(i int) string) []string {
		out := make([]string, k)
		for i := range out {
			out[i] = f(i)
		}
		return out
	}
	tests := []struct {
		name   string
		change func(d *Draft)
		want   []string // "field code", sorted; nil for a valid draft
	}{
		{"valid", func(d *Draft) {}, nil},
		{"minimal private", func(d *Draft) {
			*d = Draft{Title: "Idé", Summary: "Ti tegn ok", Category: "other", Maturity: "idea"}
		}, nil},

		// title: 3 to 200 characters.
		{"title missing", func(d *Draft) { d.Title = "" }, []string{"title required"}},
		{"title only spaces", func(d *Draft) { d.Title = " \t\n " }, []string{"title required"}},
		{"title 2 characters", func(d *Draft) { d.Title = "ab" }, []string{"title too_short"}},
		{"title 2 characters after trimming", func(d *Draft) { d.Title = "  ab  " }, []string{"title too_short"}},
		{"title 3 characters, 6 bytes", func(d *Draft) { d.Title = "æøå" }, nil},
		{"title 200 characters", func(d *Draft) { d.Title = n("ø", 200) }, nil},
		{"title 201 characters", func(d *Draft) { d.Title = n("a", 201) }, []string{"title too_long"}},

		// summary: 10 to 600 characters.
		{"summary missing", func(d *Draft) { d.Summary = "" }, []string{"summary required"}},
		{"summary 9 characters", func(d *Draft) { d.Summary = "ni tegn.." }, []string{"summary too_short"}},
		{"summary 10 characters", func(d *Draft) { d.Summary = n("å", 10) }, nil},
		{"summary 600 characters", func(d *Draft) { d.Summary = n("å", 600) }, nil},
		{"summary 601 characters", func(d *Draft) { d.Summary = n("å", 601) }, []string{"summary too_long"}},

		// description: optional, up to 20,000 characters.
		{"description empty", func(d *Draft) { d.Description = "" }, nil},
		{"description 20000 characters", func(d *Draft) { d.Description = n("æ", 20000) }, nil},
		{"description 20001 characters", func(d *Draft) { d.Description = n("æ", 20001) }, []string{"description too_long"}},

		// Enumerations.
		{"category missing", func(d *Draft) { d.Category = "" }, []string{"category required"}},
		{"category unknown", func(d *Draft) { d.Category = "chatbot" }, []string{"category not_allowed"}},
		{"category in capitals", func(d *Draft) { d.Category = "CASEWORK_AUTOMATION" }, []string{"category not_allowed"}},
		{"policy area optional", func(d *Draft) { d.PolicyArea = "" }, nil},
		{"policy area unknown", func(d *Draft) { d.PolicyArea = "sport" }, []string{"policy_area not_allowed"}},
		{"maturity missing", func(d *Draft) { d.Maturity = "" }, []string{"maturity required"}},
		{"maturity unknown", func(d *Draft) { d.Maturity = "implemented" }, []string{"maturity not_allowed"}},
		{"sharing unknown", func(d *Draft) { d.Sharing = "everyone" }, []string{"sharing not_allowed"}},
		{"ai act risk unknown", func(d *Draft) { d.AIActRisk = "high" }, []string{"ai_act_risk not_allowed"}},
		{"personal data unknown", func(d *Draft) { d.PersonalData = "sensitive" }, []string{"personal_data not_allowed"}},
		{"data location unknown", func(d *Draft) { d.DataLocation = "us" }, []string{"data_location not_allowed"}},
		{"defaults filled in", func(d *Draft) {
			d.Sharing, d.AIActRisk, d.PersonalData, d.DataLocation = "", "", "", ""
		}, nil},

		// tags: up to 20, each 1 to 40 lowercase letters (æøå included), digits and '-'.
		{"tags lower-cased", func(d *Draft) { d.Tags = []string{"ESDH", "Ældrepleje", "ÆØÅ"} }, nil},
		{"tag with digits and hyphen", func(d *Draft) { d.Tags = []string{"gpt-4", "2025"} }, nil},
		{"tag 40 characters", func(d *Draft) { d.Tags = []string{n("ø", 40)} }, nil},
		{"tag 41 characters", func(d *Draft) { d.Tags = []string{"ok", n("ø", 41)} }, []string{"tags[1] not_allowed"}},
		{"tag with a space", func(d *Draft) { d.Tags = []string{"borger service"} }, []string{"tags[0] not_allowed"}},
		{"tag with an underscore", func(d *Draft) { d.Tags = []string{"a_b"} }, []string{"tags[0] not_allowed"}},
		{"tag with ü", func(d *Draft) { d.Tags = []string{"müller"} }, []string{"tags[0] not_allowed"}},
		{"tag empty", func(d *Draft) { d.Tags = []string{"esdh", "  "} }, []string{"tags[1] not_allowed"}},
		{"20 tags", func(d *Draft) { d.Tags = many(20, func(i int) string { return fmt.Sprint("t", i) }) }, nil},
		{"21 tags", func(d *Draft) { d.Tags = many(21, func(i int) string { return fmt.Sprint("t", i) }) }, []string{"tags too_many"}},
		{"21 tags, 20 after de-duplication", func(d *Draft) {
			d.Tags = append(many(20, func(i int) string { return fmt.Sprint("t", i) }), " T0 ")
		}, nil},
		{"200,000 copies of one tag", func(d *Draft) { d.Tags = many(200000, func(int) string { return "esdh" }) }, nil},
		{"200,000 tags", func(d *Draft) { d.Tags = many(200000, func(i int) string { return fmt.Sprint("t", i) }) }, []string{"tags too_many"}},
		{"200,000 links and a CPR number", func(d *Draft) {
			for range 200000 {
				d.Links = append(d.Links, d.Links[0])
			}
			d.Description = "Borgerens CPR-nummer er 010190-1234."
		}, []string{"links too_many"}}, // the guard reads only text within its bounds

		// Links and other addresses: http(s) only.
		{"link http", func(d *Draft) { d.Links[0].URL = "http://www.herlev.dk/ai" }, nil},
		{"link ftp", func(d *Draft) { d.Links[0].URL = "ftp://files.herlev.dk" }, []string{"links[0].url not_allowed"}},
		{"link javascript", func(d *Draft) { d.Links[0].URL = "javascript:alert(1)" }, []string{"links[0].url not_allowed"}},
		{"link without host", func(d *Draft) { d.Links[0].URL = "https://" }, []string{"links[0].url not_allowed"}},
		{"link relative", func(d *Draft) { d.Links[0].URL = "/docs/ai" }, []string{"links[0].url not_allowed"}},
		{"link missing", func(d *Draft) { d.Links[0].URL = "" }, []string{"links[0].url not_allowed"}},
		{"link too long", func(d *Draft) { d.Links[0].URL = "https://x.dk/" + n("a", URLMax) }, []string{"links[0].url not_allowed"}},
		{"link title missing", func(d *Draft) { d.Links[0].Title = " " }, []string{"links[0].title required"}},
		{"link title too long", func(d *Draft) { d.Links[0].Title = n("å", 201) }, []string{"links[0].title too_long"}},
		{"51 links", func(d *Draft) {
			d.Links = make([]Link, 51)
			for i := range d.Links {
				d.Links[i] = Link{Title: "Kilde", URL: "https://x.dk"}
			}
		}, []string{"links too_many"}},

		// contact_email: required unless private.
		{"contact missing when public", func(d *Draft) { d.ContactEmail = "" }, []string{"contact_email required"}},
		{"contact missing when consortium", func(d *Draft) { d.Sharing, d.ContactEmail = SharingConsortium, "" }, []string{"contact_email required"}},
		{"contact missing when private", func(d *Draft) { d.Sharing, d.ContactEmail = SharingPrivate, "" }, nil},
		{"contact missing by default", func(d *Draft) { d.Sharing, d.ContactEmail = "", "" }, nil},
		{"contact not an address", func(d *Draft) { d.ContactEmail = "digitalisering" }, []string{"contact_email not_allowed"}},
		{"contact with a name", func(d *Draft) { d.ContactEmail = "IT <it@herlev.dk>" }, []string{"contact_email not_allowed"}},
		{"contact without a dot", func(d *Draft) { d.ContactEmail = "it@herlev" }, []string{"contact_email not_allowed"}},
		{"contact invalid when private", func(d *Draft) { d.Sharing, d.ContactEmail = SharingPrivate, "it@" }, []string{"contact_email not_allowed"}},
		{"contact trimmed", func(d *Draft) { d.ContactEmail = "  it@herlev.dk " }, nil},

		// started_on: a date.
		{"started_on empty", func(d *Draft) { d.StartedOn = "" }, nil},
		{"started_on leap day", func(d *Draft) { d.StartedOn = "2024-02-29" }, nil},
		{"started_on 30 february", func(d *Draft) { d.StartedOn = "2025-02-30" }, []string{"started_on not_allowed"}},
		{"started_on danish order", func(d *Draft) { d.StartedOn = "01-03-2025" }, []string{"started_on not_allowed"}},
		{"started_on without zeros", func(d *Draft) { d.StartedOn = "2025-3-1" }, []string{"started_on not_allowed"}},
		{"started_on a timestamp", func(d *Draft) { d.StartedOn = "2025-03-01T00:00:00Z" }, []string{"started_on not_allowed"}},

		// citizen_languages: ISO 639-1.
		{"languages upper case", func(d *Draft) { d.CitizenLanguages = []string{"DA", " Ar "} }, nil},
		{"language unknown", func(d *Draft) { d.CitizenLanguages = []string{"da", "xx"} }, []string{"citizen_languages[1] not_allowed"}},
		{"language three letters", func(d *Draft) { d.CitizenLanguages = []string{"dan"} }, []string{"citizen_languages[0] not_allowed"}},
		{"language with region", func(d *Draft) { d.CitizenLanguages = []string{"en-GB"} }, []string{"citizen_languages[0] not_allowed"}},

		// impact_assessments.
		{"assessment type unknown", func(d *Draft) { d.ImpactAssessments[0].Type = "pia" }, []string{"impact_assessments[0].type not_allowed"}},
		{"assessment type missing", func(d *Draft) { d.ImpactAssessments[1].Type = "" }, []string{"impact_assessments[1].type required"}},
		{"assessment status missing", func(d *Draft) { d.ImpactAssessments[0].Status = "" }, []string{"impact_assessments[0].status required"}},
		{"assessment status unknown", func(d *Draft) { d.ImpactAssessments[0].Status = "ongoing" }, []string{"impact_assessments[0].status not_allowed"}},
		{"assessment url ftp", func(d *Draft) { d.ImpactAssessments[0].URL = "ftp://x.dk/dpia" }, []string{"impact_assessments[0].url not_allowed"}},

		// models.
		{"model hosting defaults to unknown", func(d *Draft) { d.Models[0].Hosting = "" }, nil},
		{"model hosting unknown", func(d *Draft) { d.Models[0].Hosting = "cloud" }, []string{"models[0].hosting not_allowed"}},
		{"model name missing", func(d *Draft) { d.Models[0].Name = "  " }, []string{"models[0].name required"}},
		{"model name too long", func(d *Draft) { d.Models[0].Name = n("ø", 201) }, []string{"models[0].name too_long"}},
		{"model provider optional", func(d *Draft) { d.Models[0].Provider = "" }, nil},
		{"model provider too long", func(d *Draft) { d.Models[0].Provider = n("ø", 201) }, []string{"models[0].provider too_long"}},

		// vendors.
		{"vendor empty", func(d *Draft) { d.Vendors = []string{"Netcompany", " "} }, []string{"vendors[1] required"}},
		{"vendor 200 characters", func(d *Draft) { d.Vendors = []string{n("æ", 200)} }, nil},
		{"vendor too long", func(d *Draft) { d.Vendors = []string{n("æ", 201)} }, []string{"vendors[0] too_long"}},
		{"51 vendors", func(d *Draft) { d.Vendors = many(51, func(i int) string { return fmt.Sprint("Firma ", i) }) }, []string{"vendors too_many"}},

		// The personal-data guard runs as part of validation.
		{"cpr in the description", func(d *Draft) { d.Description = "Borger 010190-1234" }, []string{"description personal_data"}},
		{"phone in a private draft", func(d *Draft) { d.Sharing, d.Description = SharingPrivate, "Ring 12 34 56 78" }, nil},

		// Every bad field named at once.
		{"several bad fields", func(d *Draft) {
			d.Title = "x"
			d.Category = "chatbot"
			d.Tags = []string{"ok", "ikke ok"}
			d.Links[0].URL = "ftp://x"
			d.ContactEmail = ""
			d.StartedOn = "i går"
			d.Models[0].Hosting = "mars"
			d.Summary = "Kontakt 0101901234 for mere"
		}, []string{
			"category not_allowed", "contact_email required", "links[0].url not_allowed",
			"models[0].hosting not_allowed", "started_on not_allowed", "summary personal_data",
			"tags[1] not_allowed", "title too_short",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := validDraft()
			tc.change(d)
			d.Normalize()
			got := fieldCodes(t, d.Validate())
			if !slices.Equal(got, tc.want) {
				t.Errorf("Validate() fields = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestDraftValidateEveryValue checks that every value of each vocabulary a draft uses is accepted.
func TestDraftValidateEveryValue(t *testing.T) {
	set := map[string]func(d *Draft, v string){
		"category":                 func(d *Draft, v string) { d.Category = Category(v) },
		"policy_area":              func(d *Draft, v string) { d.PolicyArea = PolicyArea(v) },
		"maturity":                 func(d *Draft, v string) { d.Maturity = Maturity(v) },
		"sharing":                  func(d *Draft, v string) { d.Sharing = Sharing(v) },
		"ai_act_risk":              func(d *Draft, v string) { d.AIActRisk = AIActRisk(v) },
		"personal_data":            func(d *Draft, v string) { d.PersonalData = PersonalData(v) },
		"data_location":            func(d *Draft, v string) { d.DataLocation = DataLocation(v) },
		"impact_assessment_type":   func(d *Draft, v string) { d.ImpactAssessments[0].Type = v },
		"impact_assessment_status": func(d *Draft, v string) { d.ImpactAssessments[0].Status = v },
		"model_hosting":            func(d *Draft, v string) { d.Models[0].Hosting = v },
	}
	for _, voc := range Vocabularies() {
		f, ok := set[voc.Name]
		if !ok {
			continue
		}
		delete(set, voc.Name)
		for _, v := range voc.Values() {
			d := validDraft()
			f(d, v)
			d.Normalize()
			if err := d.Validate(); err != nil {
				t.Errorf("%s %q: %v %v", voc.Name, v, err, fieldCodes(t, err))
			}
		}
	}
	for name := range set {
		t.Errorf("no vocabulary named %q", name)
	}
}

func TestDraftNormalize(t *testing.T) {
	d := &Draft{
		OrganisationID:   " herlev ",
		Title:            "  Titel \n",
		Tags:             []string{" ESDH", "esdh ", "Ældrepleje", "ÆLDREPLEJE", "ai"},
		Vendors:          []string{" Netcompany "},
		CitizenLanguages: []string{" DA", "en "},
		Models:           []Model{{Name: " Munin ", Provider: " DFM "}},
		Links:            []Link{{Title: " Kode ", URL: " https://x.dk "}},
		ContactEmail:     " it@herlev.dk ",
		StartedOn:        " 2025-03-01 ",
	}
	d.Normalize()
	want := Draft{
		OrganisationID:    "herlev",
		Title:             "Titel",
		Tags:              []string{"esdh", "ældrepleje", "ai"},
		Sharing:           SharingPrivate,
		AIActRisk:         "undetermined",
		PersonalData:      "undetermined",
		DataLocation:      "unknown",
		ImpactAssessments: []ImpactAssessment{},
		Vendors:           []string{"Netcompany"},
		CitizenLanguages:  []string{"da", "en"},
		Models:            []Model{{Name: "Munin", Provider: "DFM", Hosting: "unknown"}},
		Links:             []Link{{Title: "Kode", URL: "https://x.dk"}},
		ContactEmail:      "it@herlev.dk",
		StartedOn:         "2025-03-01",
	}
	if got := fmt.Sprintf("%+v", *d); got != fmt.Sprintf("%+v", want) {
		t.Errorf("Normalize() =\n%s\nwant\n%s", got, fmt.Sprintf("%+v", want))
	}

	// Lists left out become empty lists, so they are served as [] rather than null.
	var empty Draft
	empty.Normalize()
	if empty.Tags == nil || empty.Vendors == nil || empty.CitizenLanguages == nil ||
		empty.ImpactAssessments == nil || empty.Models == nil || empty.Links == nil {
		t.Errorf("Normalize() left a nil list: %+v", empty)
	}
}

func TestOrganisationValidate(t *testing.T) {
	valid := func() *Organisation {
		return &Organisation{ID: "albertslund", Name: "Albertslund Kommune", Kind: "municipality",
			MunicipalityCode: "165", Website: "https://www.albertslund.dk"}
	}
	tests := []struct {
		name   string
		change func(o *Organisation)
		want   []string
	}{
		{"valid", func(o *Organisation) {}, nil},
		{"minimal", func(o *Organisation) { *o = Organisation{ID: "x1", Name: "Xy", Kind: "other"} }, nil},
		{"id with digits and hyphen", func(o *Organisation) { o.ID = "hoje-taastrup-2" }, nil},
		{"id 40 characters", func(o *Organisation) { o.ID = strings.Repeat("a", 40) }, nil},
		{"id 41 characters", func(o *Organisation) { o.ID = strings.Repeat("a", 41) }, []string{"id not_allowed"}},
		{"id one character", func(o *Organisation) { o.ID = "a" }, []string{"id not_allowed"}},
		{"id missing", func(o *Organisation) { o.ID = "" }, []string{"id not_allowed"}},
		{"id upper case", func(o *Organisation) { o.ID = "Albertslund" }, []string{"id not_allowed"}},
		{"id with æøå", func(o *Organisation) { o.ID = "dragør" }, []string{"id not_allowed"}},
		{"id starting with hyphen", func(o *Organisation) { o.ID = "-herlev" }, []string{"id not_allowed"}},
		{"id with a space", func(o *Organisation) { o.ID = "høje taastrup" }, []string{"id not_allowed"}},
		{"name missing", func(o *Organisation) { o.Name = "" }, []string{"name required"}},
		{"name one character", func(o *Organisation) { o.Name = "Ø" }, []string{"name too_short"}},
		{"name 200 characters", func(o *Organisation) { o.Name = strings.Repeat("ø", 200) }, nil},
		{"name 201 characters", func(o *Organisation) { o.Name = strings.Repeat("ø", 201) }, []string{"name too_long"}},
		{"kind missing", func(o *Organisation) { o.Kind = "" }, []string{"kind required"}},
		{"kind unknown", func(o *Organisation) { o.Kind = "company" }, []string{"kind not_allowed"}},
		{"municipality code optional", func(o *Organisation) { o.MunicipalityCode = "" }, nil},
		{"municipality code two digits", func(o *Organisation) { o.MunicipalityCode = "16" }, []string{"municipality_code not_allowed"}},
		{"municipality code four digits", func(o *Organisation) { o.MunicipalityCode = "0165" }, []string{"municipality_code not_allowed"}},
		{"municipality code letters", func(o *Organisation) { o.MunicipalityCode = "abc" }, []string{"municipality_code not_allowed"}},
		{"website optional", func(o *Organisation) { o.Website = "" }, nil},
		{"website ftp", func(o *Organisation) { o.Website = "ftp://albertslund.dk" }, []string{"website not_allowed"}},
		{"website without scheme", func(o *Organisation) { o.Website = "www.albertslund.dk" }, []string{"website not_allowed"}},
		{"several bad fields", func(o *Organisation) { *o = Organisation{ID: "X", Kind: "firm", MunicipalityCode: "1", Website: "x"} },
			[]string{"id not_allowed", "kind not_allowed", "municipality_code not_allowed", "name required", "website not_allowed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := valid()
			tc.change(o)
			if got := fieldCodes(t, o.Validate()); !slices.Equal(got, tc.want) {
				t.Errorf("Validate() fields = %q, want %q", got, tc.want)
			}
		})
	}

	for _, o := range Founders {
		if err := o.Validate(); err != nil {
			t.Errorf("founder %s: %v", o.ID, err)
		}
	}
}
