//go:build ignore

// The short scenario TestGeneratedClients runs with the Go client oapi-codegen writes from
// openapi.yaml, against a real server: create, read with 304, a merge patch with a null, a
// 412, a delete, and the change feed's tombstone. Usage: scenario <base URL> <editor key>.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"

	"github.com/oapi-codegen/nullable"

	"clientscenario/usecat"
)

func main() {
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "scenario:", err)
		os.Exit(1)
	}
	fmt.Println("scenario: ok")
}

func run(base, key string) error {
	ctx := context.Background()
	c, err := usecat.NewClientWithResponses(base, usecat.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+key)
		return nil
	}))
	if err != nil {
		return err
	}
	description := "Kommunens medarbejdere får et udkast til svar, som de retter og sender."
	created, err := c.CreateUseCaseWithResponse(ctx, &usecat.CreateUseCaseParams{}, usecat.CatalogDraft{
		Title:       "Udkast til svar på borgerhenvendelser",
		Summary:     "En sprogmodel skriver et udkast til svar, og en medarbejder godkender det.",
		Category:    usecat.CatalogDraftCategoryCitizenService,
		Maturity:    usecat.CatalogDraftMaturityPilot,
		Description: &description,
	})
	if err != nil || created.JSON201 == nil {
		return fmt.Errorf("create: %v %s", err, body(created.Body))
	}
	uc := created.JSON201
	var title string = uc.Title // a required member is a plain value
	etag := created.HTTPResponse.Header.Get("ETag")
	fmt.Printf("created %s %q version %d, ETag %s\n", uc.Id, title, uc.Version, etag)

	read, err := c.GetUseCaseWithResponse(ctx, uc.Id, &usecat.GetUseCaseParams{IfNoneMatch: &etag})
	if err != nil || read.StatusCode() != http.StatusNotModified {
		return fmt.Errorf("read with If-None-Match: %v status %d", err, read.StatusCode())
	}

	patched, err := c.PatchUseCaseWithApplicationMergePatchPlusJSONBodyWithResponse(ctx, uc.Id,
		&usecat.PatchUseCaseParams{IfMatch: etag}, usecat.HttpapiUseCasePatch{Description: nullable.NewNullNullable[string]()})
	if err != nil || patched.JSON200 == nil {
		return fmt.Errorf("merge patch: %v %s", err, body(patched.Body))
	}
	if patched.JSON200.Description != "" || patched.JSON200.Version != 2 {
		return fmt.Errorf("merge patch with a null: description %q, version %d", patched.JSON200.Description, patched.JSON200.Version)
	}

	stale, err := c.PatchUseCaseWithApplicationMergePatchPlusJSONBodyWithResponse(ctx, uc.Id,
		&usecat.PatchUseCaseParams{IfMatch: etag}, usecat.HttpapiUseCasePatch{Title: ptr("Et andet udkast")})
	if err != nil || stale.StatusCode() != http.StatusPreconditionFailed || stale.ApplicationproblemJSON412 == nil {
		return fmt.Errorf("stale patch: %v status %d", err, stale.StatusCode())
	}

	deleted, err := c.DeleteUseCaseWithResponse(ctx, uc.Id, &usecat.DeleteUseCaseParams{IfMatch: patched.HTTPResponse.Header.Get("ETag")})
	if err != nil || deleted.StatusCode() != http.StatusNoContent {
		return fmt.Errorf("delete: %v status %d", err, deleted.StatusCode())
	}

	var since *string
	for {
		page, err := c.ListChangesWithResponse(ctx, &usecat.ListChangesParams{Since: since})
		if err != nil || page.JSON200 == nil {
			return fmt.Errorf("changes: %v %s", err, body(page.Body))
		}
		for _, ch := range page.JSON200.Changes {
			if ch.Id == uc.Id && ch.Deleted && ch.DeletedAt != nil {
				fmt.Printf("tombstone at %d\n", ch.Seq)
				return nil
			}
		}
		if !page.JSON200.HasMore {
			return fmt.Errorf("the change feed has no tombstone for %s", uc.Id)
		}
		since = &page.JSON200.NextSince
	}
}

func ptr[T any](v T) *T { return &v }

func body(b []byte) string { return fmt.Sprintf("%.300s", b) }
