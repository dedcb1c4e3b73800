package catalog

import (
	"reflect"
	"time"
)

// Draft holds the fields of a use-case that its owner writes: the body of POST and PUT, and
// what a PATCH merges into.
type Draft struct {
	OrganisationID    string             `json:"organisation_id,omitempty" example:"albertslund"`
	Title             string             `json:"title" example:"Automatisk journalisering af indgående post"`
	Summary           string             `json:"summary" example:"En sprogmodel foreslår journalnummer og sagsemne for indgående post, og en medarbejder godkender forslaget."`
	Description       string             `json:"description" example:"Borgerservice modtager omkring 400 breve om dagen. ..."`
	Category          Category           `json:"category" example:"casework_automation"`
	PolicyArea        PolicyArea         `json:"policy_area,omitempty" example:"general_public_services"`
	Tags              []string           `json:"tags" example:"journalisering,esdh"`
	Maturity          Maturity           `json:"maturity" example:"pilot"`
	Sharing           Sharing            `json:"sharing" example:"public"`
	AIActRisk         AIActRisk          `json:"ai_act_risk" example:"limited_risk"`
	PersonalData      PersonalData       `json:"personal_data" example:"personal"`
	DataLocation      DataLocation       `json:"data_location" example:"eu_eea"`
	ImpactAssessments []ImpactAssessment `json:"impact_assessments"`
	Models            []Model            `json:"models"`
	Vendors           []string           `json:"vendors" example:"Netcompany"`
	CitizenLanguages  []string           `json:"citizen_languages" example:"da,en,uk"`
	Links             []Link             `json:"links"`
	ContactEmail      string             `json:"contact_email,omitempty" example:"digitalisering@albertslund.dk"`
	StartedOn         string             `json:"started_on,omitempty" example:"2025-03-01"`
}

// UseCase is one municipal AI use-case as the catalogue holds and serves it.
type UseCase struct {
	ID string `json:"id" format:"uuid" example:"01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f"`
	Draft
	CreatedAt   time.Time  `json:"created_at" format:"date-time" example:"2025-09-02T17:00:00Z"`
	UpdatedAt   time.Time  `json:"updated_at" format:"date-time" example:"2025-09-03T08:15:00Z"`
	PublishedAt *time.Time `json:"published_at,omitempty" format:"date-time" example:"2025-09-03T08:15:00Z"`
	Version     int        `json:"version" example:"3"`
}

// ImpactAssessment records a DPIA, FRIA or other assessment and how far it has come.
type ImpactAssessment struct {
	Type   string `json:"type" example:"dpia"`
	Status string `json:"status" example:"done"`
	URL    string `json:"url,omitempty" example:"https://www.albertslund.dk/dpia/journalisering.pdf"`
}

// Model is a language or other AI model a use-case runs on.
type Model struct {
	Name        string `json:"name" example:"Munin-7B"`
	Provider    string `json:"provider,omitempty" example:"Danish Foundation Models"`
	OpenWeights *bool  `json:"open_weights,omitempty" example:"true"`
	Hosting     string `json:"hosting" example:"on_premises"`
}

// Link points at source code, documentation or other material about a use-case.
type Link struct {
	Title string `json:"title" example:"Kildekode"`
	URL   string `json:"url" example:"https://github.com/albertslund/journalisering"`
}

// Document is a stored use-case in its served JSON form, with what the HTTP layer needs to
// answer conditional requests without decoding it.
type Document struct {
	ID             string
	OrganisationID string
	Sharing        Sharing
	Version        int
	JSON           []byte // the UseCase exactly as served
}

// Clone returns a deep copy of d, so a change to the copy's lists leaves d alone.
func (d Draft) Clone() Draft {
	out := d
	out.Tags = append([]string(nil), d.Tags...)
	out.Vendors = append([]string(nil), d.Vendors...)
	out.CitizenLanguages = append([]string(nil), d.CitizenLanguages...)
	out.ImpactAssessments = append([]ImpactAssessment(nil), d.ImpactAssessments...)
	out.Links = append([]Link(nil), d.Links...)
	out.Models = append([]Model(nil), d.Models...)
	for i, m := range out.Models {
		if m.OpenWeights != nil {
			v := *m.OpenWeights
			out.Models[i].OpenWeights = &v
		}
	}
	return out
}

// ChangedFields names the fields (by their JSON names, sorted) whose values differ between d
// and other. An empty list and a missing one are the same.
func (d Draft) ChangedFields(other Draft) []string {
	return changedFields(reflect.ValueOf(d), reflect.ValueOf(other))
}
