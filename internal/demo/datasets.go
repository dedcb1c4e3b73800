package demo

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/usecat/usecat/internal/catalog"
)

//go:embed datasets.json
var datasetsJSON []byte

// DatasetHistory is a demo dataset and the changes that brought it to where it is: realistic
// Danish datasets from the members at every status, some of which the principles gate held
// back on the way.
type DatasetHistory struct {
	Dataset Registration `json:"dataset"`
	Steps   []Step       `json:"steps"`
}

// Registration is a demo dataset as first registered, with the titles of the demo use-cases it
// links (their ids are only known once they are stored).
type Registration struct {
	catalog.DatasetDraft
	UseCases []string `json:"usecases"`
}

// Step is one change to a demo dataset: members that replace the dataset's, merged into its
// objects as a JSON Merge Patch would. Refused lists the principles the gate must refuse the
// change for (the dataset then stays as it was), in any order; empty, the change must pass.
type Step struct {
	Change  json.RawMessage `json:"change"`
	Refused []string        `json:"refused"`
}

// Datasets decodes the embedded demo datasets.
func Datasets() ([]DatasetHistory, error) {
	dec := json.NewDecoder(bytes.NewReader(datasetsJSON))
	dec.DisallowUnknownFields()
	var out []DatasetHistory
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("demo: decoding datasets.json: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("demo: datasets.json holds more than one JSON value")
	}
	return out, nil
}

// SeedDatasets stores the demo datasets through svc as p, each registered and then changed
// step by step, so its revisions tell its story. A step the gate must refuse is sent too, and
// its refusal checked. useCaseIDs maps the titles of demo use-cases to their ids. It returns
// how many datasets it stored.
func SeedDatasets(ctx context.Context, svc catalog.DatasetService, p catalog.Principal, useCaseIDs map[string]string) (int, error) {
	histories, err := Datasets()
	if err != nil {
		return 0, err
	}
	for n, h := range histories {
		d := h.Dataset.DatasetDraft
		for _, title := range h.Dataset.UseCases {
			id, ok := useCaseIDs[title]
			if !ok {
				return n, fmt.Errorf("demo dataset %q: no demo use-case %q", d.Title, title)
			}
			d.UseCaseIDs = append(d.UseCaseIDs, id)
		}
		doc, err := svc.CreateDataset(ctx, p, d, nil)
		if err != nil {
			return n, fmt.Errorf("demo dataset %q: %w", d.Title, err)
		}
		for i, st := range h.Steps {
			next, err := svc.UpdateDataset(ctx, p, doc.ID, doc.Version, func(cur catalog.DatasetDraft) (catalog.DatasetDraft, error) {
				return cur, json.Unmarshal(st.Change, &cur)
			})
			if err := refusedAsExpected(err, st.Refused); err != nil {
				return n, fmt.Errorf("demo dataset %q, step %d: %w", d.Title, i+1, err)
			}
			if next != nil {
				doc = next
			}
		}
	}
	return len(histories), nil
}

// refusedAsExpected checks a step's outcome: success when want is empty, else a refusal for
// exactly the principles in want.
func refusedAsExpected(err error, want []string) error {
	var e *catalog.Error
	switch {
	case len(want) == 0:
		return err
	case err == nil:
		return fmt.Errorf("the gate let through a change it should refuse for %v", want)
	case !errors.As(err, &e):
		return err
	}
	var got []string
	for _, f := range e.Fields {
		got = append(got, f.Code)
	}
	slices.Sort(got)
	if !slices.Equal(got, slices.Sorted(slices.Values(want))) {
		return fmt.Errorf("refused for %v, want %v: %w", got, want, err)
	}
	return nil
}
