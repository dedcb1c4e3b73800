package catalog

import "strings"

// Rule is what the API promises about one member of a request body. The rules below are the
// one statement of what a body may hold: Validate and the store enforce them, the OpenAPI
// document and the JSON Schemas in api/ are generated from them (internal/apidoc), and the
// HTTP boundary test derives its requests from the document and checks that the server
// agrees with it, member by member.
type Rule struct {
	// Member is the JSON member: "title"; "tags[]" for each item of tags; "links[].url" for
	// the url of each item of links.
	Member    string
	Required  bool
	MinLength int // characters, after the server trims the text
	MaxLength int
	MaxItems  int
	Pattern   string   // an ECMA-262 regular expression the value must match
	Format    string   // JSON Schema format: email, uri, date
	Enum      []string // the allowed values
	Default   string
	// Component names the schema the member's rule is published as when several bodies share
	// it, so the document states it once.
	Component string
	// Note explains what the numbers alone do not say; it becomes the member's description.
	Note string
}

// KeyNameMax bounds an API key's name.
const KeyNameMax = 100

// DraftRules are the rules of a use-case draft (DESIGN 3.2): the body of POST and PUT, and
// what a merge patch must leave behind. Besides them, contact_email is required unless sharing
// is private (ContactRequiredUnless), and free text must pass the personal-data guard.
var DraftRules = []Rule{
	{Member: "organisation_id", Pattern: slugPattern.String(), Note: "The owning organisation's id. Taken from the API key; only an admin key may choose another organisation."},
	{Member: "title", Required: true, MinLength: TitleMin, MaxLength: TitleMax},
	{Member: "summary", Required: true, MinLength: SummaryMin, MaxLength: SummaryMax, Note: "Plain language."},
	{Member: "description", MaxLength: DescriptionMax, Note: "Markdown allowed."},
	{Member: "category", Required: true, Enum: Categories.Values()},
	{Member: "policy_area", Enum: PolicyAreas.Values(), Note: "The COFOG level I function the use-case serves."},
	{Member: "tags", MaxItems: TagsMax, Note: "The server trims, lower-cases and de-duplicates tags before it checks them."},
	{Member: "tags[]", MinLength: 1, MaxLength: TagMax, Pattern: tagPattern.String()},
	{Member: "maturity", Required: true, Enum: Maturities.Values(), Note: "How far the use-case has come; maps onto the EU Public Sector Tech Watch status (Planned, In development, Pilot, Implemented, Not in use)."},
	{Member: "sharing", Enum: SharingLevels.Values(), Default: DefaultSharing, Note: "private: the owning organisation; consortium: every API key; public: everyone."},
	{Member: "ai_act_risk", Enum: AIActRisks.Values(), Default: DefaultAIActRisk, Note: "The EU AI Act risk class."},
	{Member: "personal_data", Enum: PersonalDataKinds.Values(), Default: DefaultPersonalData, Note: "The most sensitive kind of personal data the use-case processes."},
	{Member: "data_location", Enum: DataLocations.Values(), Default: DefaultDataLocation, Note: "Where the data is processed."},
	{Member: "impact_assessments", MaxItems: ListMax},
	{Member: "impact_assessments[].type", Required: true, Enum: AssessmentTypes.Values(), Note: "dpia: data protection impact assessment (GDPR art. 35); fria: fundamental rights impact assessment (AI Act art. 27); other."},
	{Member: "impact_assessments[].status", Required: true, Enum: AssessmentStatuses.Values()},
	{Member: "impact_assessments[].url", MaxLength: URLMax, Format: "uri", Pattern: httpURLPattern, Note: "Where the assessment can be read: an http or https address."},
	{Member: "models", MaxItems: ListMax},
	{Member: "models[].name", Required: true, MinLength: 1, MaxLength: ShortTextMax},
	{Member: "models[].provider", MaxLength: ShortTextMax},
	{Member: "models[].hosting", Enum: Hostings.Values(), Default: "unknown", Note: "Where the model runs."},
	{Member: "vendors", MaxItems: ListMax},
	{Member: "vendors[]", MinLength: 1, MaxLength: ShortTextMax},
	{Member: "citizen_languages", MaxItems: ListMax, Note: "ISO 639-1 codes; the server trims and lower-cases them."},
	{Member: "citizen_languages[]", Enum: LanguageCodes(), Component: "catalog.LanguageCode", Note: "An ISO 639-1 language code."},
	{Member: "links", MaxItems: ListMax},
	{Member: "links[].title", Required: true, MinLength: 1, MaxLength: ShortTextMax},
	{Member: "links[].url", Required: true, MaxLength: URLMax, Format: "uri", Pattern: httpURLPattern, Note: "An http or https address."},
	{Member: "contact_email", Format: "email", Note: "A function mailbox, not a person's. Required unless sharing is private."},
	{Member: "started_on", Format: "date", Note: "When the work started."},
}

// ContactRequiredUnless is the sharing level at which a draft may leave out contact_email.
const ContactRequiredUnless = string(SharingPrivate) // a string, so the docs generator takes no enum from it

// OrganisationRules are the rules of an organisation (DESIGN 3.1).
var OrganisationRules = []Rule{
	{Member: "id", Required: true, Pattern: slugPattern.String(), Note: "2 to 40 lowercase letters a-z, digits and '-'; it never changes."},
	{Member: "name", Required: true, MinLength: 2, MaxLength: ShortTextMax},
	{Member: "kind", Required: true, Enum: OrganisationKinds.Values()},
	{Member: "municipality_code", Pattern: municipalityCode.String(), Note: "The three-digit Danish kommunekode."},
	{Member: "website", MaxLength: URLMax, Format: "uri", Pattern: httpURLPattern},
}

// KeyRules are the rules of a request for an API key (DESIGN 3.5).
var KeyRules = []Rule{
	{Member: "name", Required: true, MinLength: 1, MaxLength: KeyNameMax, Note: "What the key is for, e.g. the system that uses it."},
	{Member: "role", Required: true, Enum: Roles.Values()},
}

// httpURLPattern is what httpURL accepts, as far as a pattern can say: an absolute http or
// https address with a host.
const httpURLPattern = `^https?://[^/?#\s]+`

// LanguageCodes lists the ISO 639-1 codes a use-case's citizen_languages may hold.
func LanguageCodes() []string { return strings.Fields(iso6391) }
