package httpapi

import (
	"encoding/json"
	"reflect"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

// datasetShape bounds the body of a POST, PUT or PATCH of a dataset.
var datasetShape = shapeOf(reflect.TypeFor[catalog.DatasetDraft](), boundsOf(catalog.DatasetRules),
	map[string]string{"": "a dataset", "size": "the size", "rights": "the rights", "personal_data_filtering": "the filtering"},
	readOnlyFields...)

// handleCreateDataset godoc
//
//	@ID			createDataset
//	@Summary		Register a dataset
//	@Description	Registers a dataset owned by the key's organisation (admins may name another in `organisation_id`), usually at status `identified`. Unset enumerations get their defaults (`sharing`: private, `status`: identified, `rights.status` and `personal_data_filtering.status`: unknown, `data_location`: unknown).
//	@Description	The principles gate: status `offered` or `delivered` needs `rights.status` cleared, `personal_data_filtering.status` filtered (with a `method`) or not_needed, `data_location` eu_eea and a `licence` (an SPDX identifier or other). Each unmet principle is one error in the 422 answer, with the code `principle_rights`, `principle_personal_data`, `principle_eu` or `principle_licence`.
//	@Description	Each of `usecase_ids` must name a use-case the key can see. Texts pass the personal-data guard as for use-cases (docs/guard.md). With an `Idempotency-Key`, a retry with the same body within 24 hours returns the first answer again.
//	@Tags			datasets
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			Idempotency-Key	header		string					false	"Makes retries safe: any unique string of up to 255 characters"	example(4b0c6f2e-retry-1)
//	@Param			dataset			body		catalog.DatasetDraft	true	"The new dataset"
//	@Success		201				{object}	catalog.Dataset
//	@Header			201				{string}	ETag		"The dataset's version in double quotes"
//	@Header			201				{string}	Location	"The new dataset's address"
//	@Failure		400				{object}	Problem		"The body is not JSON, or has unknown fields or fields of the wrong type"
//	@Failure		401				{object}	Problem		"No API key, or not a valid one"
//	@Failure		403				{object}	Problem		"The key may not create datasets (for this organisation)"
//	@Failure		413				{object}	Problem		"The body is larger than 1 MiB"
//	@Failure		415				{object}	Problem		"The body is not application/json"
//	@Failure		422				{object}	Problem		"Invalid values, an unmet principle, personal data in what readers see, or an Idempotency-Key reused with another body"
//	@Failure		429				{object}	Problem		"Too many requests"
//	@Failure		500				{object}	Problem		"Something unexpected went wrong"
//	@Failure		503				{object}	Problem		"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets [post]
func (s *Server) handleCreateDataset(c echo.Context) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	return create(s, c, "/api/v1/datasets/", datasetShape, svc.CreateDataset)
}

// handleReplaceDataset godoc
//
//	@ID			replaceDataset
//	@Summary		Replace a dataset
//	@Description	Replaces every writable field; fields left out get their defaults. Needs `If-Match` with the ETag of the version being replaced: 428 without it, 412 when someone changed the dataset meanwhile. The principles gate applies to the new state.
//	@Tags			datasets
//	@Accept			json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string					true	"Dataset id"	format(uuid)	example(01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e60)
//	@Param			If-Match	header		string					true	"The ETag of the version being replaced"	example("3")
//	@Param			dataset		body		catalog.DatasetDraft	true	"The dataset's new content"
//	@Success		200			{object}	catalog.Dataset
//	@Header			200			{string}	ETag	"The new version in double quotes"
//	@Failure		400			{object}	Problem	"The body is not JSON, or has unknown fields or fields of the wrong type"
//	@Failure		401			{object}	Problem	"No API key, or not a valid one"
//	@Failure		403			{object}	Problem	"The key may not change this dataset"
//	@Failure		404			{object}	Problem	"No dataset with this id that the key may see"
//	@Failure		412			{object}	Problem	"The dataset changed since the version in If-Match"
//	@Failure		413			{object}	Problem	"The body is larger than 1 MiB"
//	@Failure		415			{object}	Problem	"The body is not application/json"
//	@Failure		422			{object}	Problem	"Invalid values, an unmet principle, or personal data in what readers see"
//	@Failure		428			{object}	Problem	"If-Match is missing"
//	@Failure		429			{object}	Problem	"Too many requests"
//	@Failure		500			{object}	Problem	"Something unexpected went wrong"
//	@Failure		503			{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets/{id} [put]
func (s *Server) handleReplaceDataset(c echo.Context) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	return update(s, c, errNoDataset, datasetShape, []string{mimeJSON}, svc.UpdateDataset,
		func(_ catalog.DatasetDraft, body []byte) (catalog.DatasetDraft, error) {
			var d catalog.DatasetDraft
			err := decodeStrict(body, &d, datasetShape)
			return d, err
		})
}

// DatasetPatch is the body of a PATCH of a dataset: a JSON Merge Patch (RFC 7396) of its
// draft.
type DatasetPatch catalog.DatasetDraft

// handlePatchDataset godoc
//
//	@ID			patchDataset
//	@Summary		Change some fields of a dataset
//	@Description	Applies a JSON Merge Patch (RFC 7396): members present are set, `null` resets a member to its default, objects (`size`, `rights`, `personal_data_filtering`) are merged member by member and lists are replaced whole. Needs `If-Match` like PUT. Moving the status on (`{"status": "offered"}`) or changing a principle's field of an offered dataset runs the principles gate again.
//	@Tags			datasets
//	@Accept			json
//	@Accept			application/merge-patch+json
//	@Produce		json
//	@Security		BearerAuth
//	@Param			id			path		string			true	"Dataset id"	format(uuid)	example(01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e60)
//	@Param			If-Match	header		string			true	"The ETag of the version being changed"	example("3")
//	@Param			patch		body		DatasetPatch	true	"The fields to change (a JSON Merge Patch)"
//	@Success		200			{object}	catalog.Dataset
//	@Header			200			{string}	ETag	"The new version in double quotes"
//	@Failure		400			{object}	Problem	"The body is not JSON, or has unknown fields or fields of the wrong type"
//	@Failure		401			{object}	Problem	"No API key, or not a valid one"
//	@Failure		403			{object}	Problem	"The key may not change this dataset"
//	@Failure		404			{object}	Problem	"No dataset with this id that the key may see"
//	@Failure		412			{object}	Problem	"The dataset changed since the version in If-Match"
//	@Failure		413			{object}	Problem	"The body is larger than 1 MiB"
//	@Failure		415			{object}	Problem	"The body is neither application/merge-patch+json nor application/json"
//	@Failure		422			{object}	Problem	"Invalid values, an unmet principle, or personal data in what readers see"
//	@Failure		428			{object}	Problem	"If-Match is missing"
//	@Failure		429			{object}	Problem	"Too many requests"
//	@Failure		500			{object}	Problem	"Something unexpected went wrong"
//	@Failure		503			{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets/{id} [patch]
func (s *Server) handlePatchDataset(c echo.Context) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	return update(s, c, errNoDataset, datasetShape, []string{mimeMergePatch, mimeJSON}, svc.UpdateDataset, mergeDataset)
}

// mergeDataset applies a JSON Merge Patch to a dataset draft. A dataset has objects among its
// members, which a merge patch merges into rather than replaces, so the patch is applied to
// the draft's JSON by a library that implements RFC 7396 whole.
func mergeDataset(current catalog.DatasetDraft, patch []byte) (catalog.DatasetDraft, error) {
	var probe catalog.DatasetDraft
	if err := decodeStrict(patch, &probe, datasetShape); err != nil {
		return current, err
	}
	doc, err := json.Marshal(current)
	if err != nil {
		return current, err
	}
	merged, err := jsonpatch.MergePatch(doc, patch)
	if err != nil {
		return current, malformedBody("is not a JSON Merge Patch")
	}
	var out catalog.DatasetDraft
	if err := json.Unmarshal(merged, &out); err != nil {
		return current, malformedBody("cannot be read")
	}
	return out, nil
}

// handleDeleteDataset godoc
//
//	@ID			deleteDataset
//	@Summary		Delete a dataset
//	@Description	Deletes a dataset record. Needs `If-Match` like PUT. Its revisions stay, visible to admins, and the datasets' change feed reports a tombstone. A dataset DFM should no longer use is better moved to status `withdrawn`, which keeps the record.
//	@Tags			datasets
//	@Security		BearerAuth
//	@Param			id			path	string	true	"Dataset id"	format(uuid)	example(01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e60)
//	@Param			If-Match	header	string	true	"The ETag of the version being deleted"	example("3")
//	@Success		204			"Deleted"
//	@Failure		401			{object}	Problem	"No API key, or not a valid one"
//	@Failure		403			{object}	Problem	"The key may not delete this dataset"
//	@Failure		404			{object}	Problem	"No dataset with this id that the key may see"
//	@Failure		412			{object}	Problem	"The dataset changed since the version in If-Match"
//	@Failure		428			{object}	Problem	"If-Match is missing"
//	@Failure		429			{object}	Problem	"Too many requests"
//	@Failure		500			{object}	Problem	"Something unexpected went wrong"
//	@Failure		503			{object}	Problem	"The database is unavailable or the request took too long"
//	@Router			/api/v1/datasets/{id} [delete]
func (s *Server) handleDeleteDataset(c echo.Context) error {
	svc, err := s.datasets()
	if err != nil {
		return err
	}
	return remove(c, errNoDataset, svc.DeleteDataset)
}
