// Package demo holds usecat's demo data and a generator of synthetic use-cases for benchmarks.
//
// UseCases returns the hand-written demo catalogue: realistic use-cases in Danish from the
// twelve DSD municipalities and the consortium, covering every category, maturity and sharing
// level, the data `make run` and `usecat seed-demo` fill a fresh catalogue with; Datasets and
// SeedDatasets add the demo datasets offered to Danish Foundation Models. Generate
// makes as many synthetic public use-cases as a benchmark needs, the same ones for the same
// seed.
//
// Neither contains personal data: no CPR-like numbers, and no e-mail addresses or phone numbers
// outside contact_email.
package demo

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"

	"github.com/usecat/usecat/internal/catalog"
)

//go:embed usecases.json
var useCasesJSON []byte

// UseCases decodes the embedded demo use-cases. Each call returns fresh drafts the caller may
// change. Every draft carries its organisation_id and passes Normalize and Validate.
//
// Words the search tests can rely on (as whole words in title, summary or description):
// "transskription", "tolkning", "tilgængelighed" and "sagsbehandling" in several use-cases,
// "bøger" and "sø" in a few, "før" in many, and "boger" and "so" in none, so a search that
// folds æ, ø and å into a, o and aa shows up.
func UseCases() ([]catalog.Draft, error) {
	dec := json.NewDecoder(bytes.NewReader(useCasesJSON))
	dec.DisallowUnknownFields()
	var drafts []catalog.Draft
	if err := dec.Decode(&drafts); err != nil {
		return nil, fmt.Errorf("demo: decoding usecases.json: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("demo: usecases.json holds more than one JSON value")
	}
	return drafts, nil
}
