package store_test

import (
	"context"
	"testing"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/store"
)

// testRefusedText checks that both engines refuse, as invalid input naming the field, what
// neither may store or show: a NUL byte (PostgreSQL cannot store one in text) and personal
// data in organisation and key names, which every reader sees; and that an id holding a NUL
// byte names nothing.
func testRefusedText(t *testing.T, s *store.Store) {
	ctx := context.Background()
	invalid := func(what string, err error, field, code string) {
		t.Helper()
		e, ok := err.(*catalog.Error)
		if !ok || e.Code != catalog.ErrInvalid {
			t.Errorf("%s: %v, want an invalid-input error", what, err)
			return
		}
		for _, f := range e.Fields {
			if f.Field == field && f.Code == code {
				return
			}
		}
		t.Errorf("%s: %+v, want %s %s", what, e.Fields, field, code)
	}
	_, err := s.CreateUseCase(ctx, albEd, draft("Sag\x00om post", "private"), nil)
	invalid("NUL in a title", err, "title", catalog.FieldNotAllowed)
	_, err = s.CreateUseCase(ctx, admin, draft("Sag om post", "private", func(d *catalog.Draft) { d.OrganisationID = "albertslund\x00" }), nil)
	invalid("NUL in organisation_id", err, "organisation_id", catalog.FieldNotAllowed)
	_, err = s.CreateUseCase(ctx, albEd, draft("Sag om post", "public", func(d *catalog.Draft) {
		d.Links = []catalog.Link{{Title: "Kilde", URL: "https://x.dk/sag?cpr=0101901234"}}
	}), nil)
	invalid("CPR number in a link URL", err, "links[0].url", catalog.FieldPersonalData)

	_, _, err = s.CreateKey(ctx, "albertslund", "ESDH\x00", catalog.RoleReader)
	invalid("NUL in a key name", err, "name", catalog.FieldNotAllowed)
	_, _, err = s.CreateKey(ctx, "albertslund", "Jens, tlf. 12 34 56 78", catalog.RoleReader)
	invalid("phone number in a key name", err, "name", catalog.FieldPersonalData)

	_, err = s.CreateOrganisation(ctx, catalog.Organisation{ID: "frederiksberg", Name: "Frederiksberg\x00", Kind: "municipality"})
	invalid("NUL in an organisation name", err, "name", catalog.FieldNotAllowed)
	_, err = s.CreateOrganisation(ctx, catalog.Organisation{ID: "0101901234", Name: "Frederiksberg Kommune", Kind: "municipality"})
	invalid("CPR number in an organisation id", err, "id", catalog.FieldPersonalData)
	_, err = s.UpdateOrganisation(ctx, "albertslund", func(o *catalog.Organisation) error {
		o.Name = "Albertslund Kommune, jens@albertslund.dk"
		return nil
	})
	invalid("e-mail address in an organisation name", err, "name", catalog.FieldPersonalData)

	for _, id := range []string{"\x00", "k\x00", "\xff"} {
		if _, err := s.FindOrganisation(ctx, id); catalog.ErrorCode(err) != catalog.ErrNotFound {
			t.Errorf("find organisation %q: %v, want not found", id, err)
		}
		if _, err := s.FindKeys(ctx, id); catalog.ErrorCode(err) != catalog.ErrNotFound {
			t.Errorf("find keys of %q: %v, want not found", id, err)
		}
		if err := s.RevokeKey(ctx, id); catalog.ErrorCode(err) != catalog.ErrNotFound {
			t.Errorf("revoke key %q: %v, want not found", id, err)
		}
	}
}
