package catalog

import (
	"reflect"
	"strings"
	"testing"
)

// The enums tags feed the OpenAPI document; they must list exactly the vocabulary's values.
func TestEnumTagsMatchVocabularies(t *testing.T) {
	byField := map[string]Vocabulary{
		"category": Categories, "policy_area": PolicyAreas, "maturity": Maturities, "sharing": SharingLevels,
		"ai_act_risk": AIActRisks, "personal_data": PersonalDataKinds, "data_location": DataLocations,
		"type": AssessmentTypes, "status": AssessmentStatuses, "hosting": Hostings,
	}
	seen := 0
	for _, typ := range []reflect.Type{reflect.TypeOf(Draft{}), reflect.TypeOf(ImpactAssessment{}), reflect.TypeOf(Model{})} {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			v, ok := byField[name]
			if !ok {
				continue
			}
			seen++
			if got, want := f.Tag.Get("enums"), strings.Join(v.Values(), ","); got != want {
				t.Errorf("%s.%s enums tag %q, vocabulary %q", typ.Name(), f.Name, got, want)
			}
		}
	}
	if seen != len(byField) {
		t.Errorf("checked %d enum fields, want %d", seen, len(byField))
	}
}
