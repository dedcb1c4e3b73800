package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// NewOrganisation is the body of a request to add an organisation.
type NewOrganisation struct {
	ID               string                   `json:"id" example:"frederiksberg"`
	Name             string                   `json:"name" example:"Frederiksberg Kommune"`
	Kind             catalog.OrganisationKind `json:"kind" example:"municipality"`
	MunicipalityCode string                   `json:"municipality_code,omitempty" example:"147"`
	Website          string                   `json:"website,omitempty" example:"https://www.frederiksberg.dk"`
}

// newOrganisationShape bounds the body of a request to add an organisation.
var newOrganisationShape = shapeOf(reflect.TypeFor[NewOrganisation](), boundsOf(catalog.OrganisationRules),
	map[string]string{"": "an organisation"})

// handleCreateOrganisation godoc
//
//	@ID			createOrganisation
//	@Summary		Add an organisation
//	@Description	Adds an organisation that can own use-cases and keys. Admins only.
//	@Tags			organisations
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			organisation	body		NewOrganisation	true	"The new organisation"
//	@Success		201				{object}	catalog.Organisation
//	@Header			201				{string}	Location	"The organisation's address"
//	@Failure		400				{object}	Problem		"The body is not JSON, or has unknown fields or fields of the wrong type"
//	@Failure		401				{object}	Problem		"No API key, or not a valid one"
//	@Failure		403				{object}	Problem		"Not an admin key"
//	@Failure		409				{object}	Problem		"An organisation with this id exists"
//	@Failure		413				{object}	Problem		"The body is larger than 1 MiB"
//	@Failure		415				{object}	Problem		"The body is not application/json"
//	@Failure		422				{object}	Problem		"Invalid values, or personal data in them (anyone reads organisations)"
//	@Failure		429				{object}	Problem		"Too many requests"
//	@Failure		500				{object}	Problem		"Something unexpected went wrong"
//	@Failure		503				{object}	Problem		"The database is unavailable or the request took too long"
//	@Router			/api/v1/organisations [post]
func (s *Server) handleCreateOrganisation(c echo.Context) error {
	body, err := s.readBody(c, mimeJSON)
	if err != nil {
		return err
	}
	var req NewOrganisation
	if err := decodeStrict(body, &req, newOrganisationShape); err != nil {
		return err
	}
	o, err := s.cfg.Organisations.CreateOrganisation(c.Request().Context(), catalog.Organisation{ID: req.ID, Name: req.Name,
		Kind: req.Kind, MunicipalityCode: req.MunicipalityCode, Website: req.Website})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderLocation, s.link("/api/v1/organisations/"+o.ID))
	return encodeJSON(c, http.StatusCreated, o)
}

// OrganisationPatch lists the fields of an organisation a PATCH may change.
type OrganisationPatch struct {
	Name             string                   `json:"name" example:"Frederiksberg Kommune"`
	Kind             catalog.OrganisationKind `json:"kind" example:"municipality"`
	MunicipalityCode string                   `json:"municipality_code,omitempty" example:"147"`
	Website          string                   `json:"website,omitempty" example:"https://www.frederiksberg.dk"`
}

// organisationPatchShape bounds a merge patch of an organisation; a client may send back the
// server-set id and created_at unchanged.
var organisationPatchShape = shapeOf(reflect.TypeFor[OrganisationPatch](), boundsOf(catalog.OrganisationRules),
	map[string]string{"": "an organisation"}, "id", "created_at")

// handlePatchOrganisation godoc
//
//	@ID			patchOrganisation
//	@Summary		Change an organisation
//	@Description	Applies a JSON Merge Patch (RFC 7396) to an organisation's name, kind, municipality code or website; its id never changes. Admins only.
//	@Tags			organisations
//	@Accept			json
//	@Accept			application/merge-patch+json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id		path		string				true	"Organisation id"	example(albertslund)
//	@Param			patch	body		OrganisationPatch	true	"The fields to change"
//	@Success		200		{object}	catalog.Organisation
//	@Failure		400		{object}	Problem	"The body is not JSON, or has unknown fields or fields of the wrong type"
//	@Failure		401		{object}	Problem	"No API key, or not a valid one"
//	@Failure		403		{object}	Problem	"Not an admin key"
//	@Failure		404		{object}	Problem	"No such organisation"
//	@Failure		413		{object}	Problem	"The body is larger than 1 MiB"
//	@Failure		415		{object}	Problem	"The body is neither application/merge-patch+json nor application/json"
//	@Failure		422		{object}	Problem	"Invalid values, or personal data in them (anyone reads organisations)"
//	@Failure		429		{object}	Problem	"Too many requests"
//	@Failure		500		{object}	Problem	"Something unexpected went wrong"
//	@Failure		503		{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/organisations/{id} [patch]
func (s *Server) handlePatchOrganisation(c echo.Context) error {
	patch, err := s.readBody(c, mimeMergePatch, mimeJSON)
	if err != nil {
		return err
	}
	var probe OrganisationPatch
	if err := decodeStrict(patch, &probe, organisationPatchShape); err != nil {
		return err
	}
	o, err := s.cfg.Organisations.UpdateOrganisation(c.Request().Context(), c.Param("id"), func(o *catalog.Organisation) error {
		cur, _ := json.Marshal(OrganisationPatch{Name: o.Name, Kind: o.Kind, MunicipalityCode: o.MunicipalityCode, Website: o.Website})
		merged, err := jsonpatch.MergePatch(cur, patch)
		if err != nil {
			return malformedBody("is not a JSON Merge Patch")
		}
		var next OrganisationPatch
		if err := decodeStrict(merged, &next, organisationPatchShape); err != nil {
			return err
		}
		o.Name, o.Kind, o.MunicipalityCode, o.Website = next.Name, next.Kind, next.MunicipalityCode, next.Website
		return nil
	})
	if err != nil {
		return err
	}
	return encodeJSON(c, http.StatusOK, o)
}
