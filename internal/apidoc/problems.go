package apidoc

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// problemsJSON holds the server's real answers for each error status, recorded by the test
// TestProblemExamples in internal/httpapi (go test -run TestProblemExamples -update), which
// also fails when the server no longer answers so. Keys are "<operationId> <status>" for an
// answer particular to an operation, and "<status>" for the answer every other operation gives.
//
//go:embed problems.json
var problemsJSON []byte

// ProblemsFile is problems.json's path from the module's root, for the test that writes it.
const ProblemsFile = "internal/apidoc/problems.json"

// ProblemExample returns the example of an operation's error response: its own, or the
// one of its status.
func ProblemExample(examples map[string]any, operationID, status string) (any, bool) {
	if ex, ok := examples[operationID+" "+status]; ok {
		return ex, true
	}
	ex, ok := examples[status]
	return ex, ok
}

// fixProblemExamples gives every error response the server's real answer as its example.
func fixProblemExamples(doc *openapi3.T) error {
	var examples map[string]any
	if err := json.Unmarshal(problemsJSON, &examples); err != nil {
		return fmt.Errorf("apidoc: read problems.json: %w", err)
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.Responses == nil {
				continue
			}
			for status, ref := range op.Responses.Map() {
				mt := ref.Value.Content.Get(mediaProblem)
				if mt == nil {
					continue
				}
				if ex, ok := ProblemExample(examples, op.OperationID, status); ok {
					mt.Example = ex
				}
			}
		}
	}
	return nil
}
