package catalog

// Term is one value of an enumeration with its Danish and English labels.
type Term struct {
	Value string `json:"value" example:"casework_automation"`
	DA    string `json:"da" example:"Automatisering af sagsbehandling"`
	EN    string `json:"en" example:"Casework automation"`
}

// Vocabulary is a named enumeration.
type Vocabulary struct {
	Name  string `json:"name" example:"category"`
	DA    string `json:"da" example:"Kategori"`
	EN    string `json:"en" example:"Category"`
	Terms []Term `json:"terms"`
}

// Has reports whether v holds value.
func (v Vocabulary) Has(value string) bool {
	for _, t := range v.Terms {
		if t.Value == value {
			return true
		}
	}
	return false
}

// Values lists v's values in order.
func (v Vocabulary) Values() []string {
	out := make([]string, len(v.Terms))
	for i, t := range v.Terms {
		out[i] = t.Value
	}
	return out
}

// Category is what kind of work a use-case does.
type Category string

// Maturity is how far a use-case has come. The values map one-to-one onto the EU Public
// Sector Tech Watch status (Planned, In development, Pilot, Implemented, Not in use).
type Maturity string

// Sharing is who may see a use-case (DESIGN 3.3).
type Sharing string

// The sharing levels, from least to most shared.
const (
	SharingPrivate    Sharing = "private"
	SharingConsortium Sharing = "consortium"
	SharingPublic     Sharing = "public"
)

// PolicyArea is the COFOG level I function a use-case serves.
type PolicyArea string

// AIActRisk is the EU AI Act risk class.
type AIActRisk string

// PersonalData is the most sensitive kind of personal data a use-case processes.
type PersonalData string

// DataLocation is where the data is processed.
type DataLocation string

// Defaults the server fills in when a field is left out.
const (
	DefaultSharing      = "private"
	DefaultAIActRisk    = "undetermined" // untyped, so the docs generator takes no enum from it
	DefaultPersonalData = "undetermined"
	DefaultDataLocation = "unknown"
)

// The vocabularies, in the order GET /vocabularies lists them.
var (
	Categories = Vocabulary{Name: "category", DA: "Kategori", EN: "Category", Terms: []Term{
		{"casework_automation", "Automatisering af sagsbehandling", "Casework automation"},
		{"multilingual_communication", "Flersproget kommunikation", "Multilingual communication"},
		{"accessible_communication", "Tilgængelig kommunikation", "Accessible communication"},
		{"citizen_service", "Borgerservice", "Citizen service"},
		{"document_processing", "Dokumentbehandling", "Document processing"},
		{"transcription", "Transskription", "Transcription"},
		{"search_and_knowledge", "Søgning og videndeling", "Search and knowledge"},
		{"decision_support", "Beslutningsstøtte", "Decision support"},
		{"other", "Andet", "Other"},
	}}
	Maturities = Vocabulary{Name: "maturity", DA: "Modenhed", EN: "Maturity", Terms: []Term{
		{"idea", "Idé", "Idea"},
		{"in_development", "Under udvikling", "In development"},
		{"pilot", "Pilot", "Pilot"},
		{"in_production", "I drift", "In production"},
		{"retired", "Udfaset", "Retired"},
	}}
	SharingLevels = Vocabulary{Name: "sharing", DA: "Deling", EN: "Sharing", Terms: []Term{
		{"private", "Privat (kun egen organisation)", "Private (own organisation only)"},
		{"consortium", "Delt med konsortiet", "Shared with the consortium"},
		{"public", "Offentlig", "Public"},
	}}
	PolicyAreas = Vocabulary{Name: "policy_area", DA: "Politikområde (COFOG)", EN: "Policy area (COFOG)", Terms: []Term{
		{"general_public_services", "Generelle offentlige tjenester", "General public services"},
		{"defence", "Forsvar", "Defence"},
		{"public_order_and_safety", "Offentlig orden og sikkerhed", "Public order and safety"},
		{"economic_affairs", "Økonomiske anliggender", "Economic affairs"},
		{"environmental_protection", "Miljøbeskyttelse", "Environmental protection"},
		{"housing_and_community", "Boliger og offentlige faciliteter", "Housing and community amenities"},
		{"health", "Sundhed", "Health"},
		{"recreation_and_culture", "Fritid, kultur og religion", "Recreation, culture and religion"},
		{"education", "Uddannelse", "Education"},
		{"social_protection", "Social beskyttelse", "Social protection"},
	}}
	AIActRisks = Vocabulary{Name: "ai_act_risk", DA: "Risikoklasse efter AI-forordningen", EN: "EU AI Act risk class", Terms: []Term{
		{"prohibited", "Forbudt", "Prohibited"},
		{"high_risk", "Højrisiko", "High risk"},
		{"limited_risk", "Begrænset risiko", "Limited risk"},
		{"minimal_risk", "Minimal risiko", "Minimal risk"},
		{"not_ai_system", "Ikke et AI-system", "Not an AI system"},
		{"undetermined", "Ikke vurderet", "Undetermined"},
	}}
	PersonalDataKinds = Vocabulary{Name: "personal_data", DA: "Personoplysninger", EN: "Personal data", Terms: []Term{
		{"none", "Ingen", "None"},
		{"pseudonymised", "Pseudonymiserede", "Pseudonymised"},
		{"personal", "Almindelige personoplysninger", "Personal data"},
		{"special_category", "Følsomme personoplysninger (art. 9)", "Special category data (art. 9)"},
		{"undetermined", "Ikke vurderet", "Undetermined"},
	}}
	DataLocations = Vocabulary{Name: "data_location", DA: "Databehandlingssted", EN: "Data location", Terms: []Term{
		{"eu_eea", "EU/EØS", "EU/EEA"},
		{"third_country", "Tredjeland", "Third country"},
		{"unknown", "Ukendt", "Unknown"},
	}}
	AssessmentTypes = Vocabulary{Name: "impact_assessment_type", DA: "Konsekvensanalyse", EN: "Impact assessment", Terms: []Term{
		{"dpia", "Konsekvensanalyse vedr. databeskyttelse (DPIA)", "Data protection impact assessment (DPIA)"},
		{"fria", "Konsekvensanalyse vedr. grundlæggende rettigheder (FRIA)", "Fundamental rights impact assessment (FRIA)"},
		{"other", "Anden analyse", "Other assessment"},
	}}
	AssessmentStatuses = Vocabulary{Name: "impact_assessment_status", DA: "Status for analyse", EN: "Assessment status", Terms: []Term{
		{"planned", "Planlagt", "Planned"},
		{"done", "Gennemført", "Done"},
		{"not_required", "Ikke påkrævet", "Not required"},
	}}
	Hostings = Vocabulary{Name: "model_hosting", DA: "Hosting af model", EN: "Model hosting", Terms: []Term{
		{"on_premises", "Egen drift (on-premises)", "On premises"},
		{"eu_cloud", "Cloud i EU", "EU cloud"},
		{"non_eu_cloud", "Cloud uden for EU", "Non-EU cloud"},
		{"unknown", "Ukendt", "Unknown"},
	}}
	OrganisationKinds = Vocabulary{Name: "organisation_kind", DA: "Organisationstype", EN: "Organisation kind", Terms: []Term{
		{"municipality", "Kommune", "Municipality"},
		{"region", "Region", "Region"},
		{"state", "Statslig myndighed", "State authority"},
		{"consortium", "Konsortium", "Consortium"},
		{"other", "Anden", "Other"},
	}}
	Roles = Vocabulary{Name: "role", DA: "Rolle", EN: "Role", Terms: []Term{
		{"reader", "Læser", "Reader"},
		{"editor", "Redaktør", "Editor"},
		{"admin", "Administrator", "Administrator"},
	}}
)

// Vocabularies lists every enumeration.
func Vocabularies() []Vocabulary {
	return []Vocabulary{Categories, Maturities, SharingLevels, PolicyAreas, AIActRisks,
		PersonalDataKinds, DataLocations, AssessmentTypes, AssessmentStatuses, Hostings,
		OrganisationKinds, Roles, Modalities, DatasetStatuses, RightsStatuses, FilteringStatuses}
}

// SharingRank orders sharing levels from least (0) to most (2) shared; -1 for unknown values.
func SharingRank(s Sharing) int {
	switch s {
	case SharingPrivate:
		return 0
	case SharingConsortium:
		return 1
	case SharingPublic:
		return 2
	}
	return -1
}
