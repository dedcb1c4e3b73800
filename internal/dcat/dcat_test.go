package dcat_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/usecat/usecat/internal/catalog"
	"github.com/usecat/usecat/internal/dcat"
)

// shaclEnv makes a missing SHACL engine a failure instead of a skip; CI sets it.
const shaclEnv = "USECAT_TEST_SHACL"

// modulesEnv names the node_modules folder holding the engine; npm's global folder otherwise.
const modulesEnv = "USECAT_SHACL_MODULES"

// sample is a catalogue holding every kind of dataset the mapping distinguishes.
func sample() dcat.Catalogue {
	at := time.Date(2025, 11, 20, 9, 30, 0, 0, time.UTC)
	size := int64(96)
	return dcat.Catalogue{
		Base: "https://usecat.example.dk",
		Organisations: []catalog.Organisation{
			{ID: "dsk", Name: "Dansk Sprogmodel Konsortium", Kind: "consortium"},
			{ID: "albertslund", Name: "Albertslund Kommune", Kind: "municipality", Website: "https://www.albertslund.dk"},
			{ID: "herlev", Name: "Herlev Kommune", Kind: "municipality"},
			{ID: "glostrup", Name: "Glostrup Kommune", Kind: "municipality"},
		},
		Datasets: []catalog.Dataset{
			{ID: "01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e60", CreatedAt: at, UpdatedAt: at, PublishedAt: &at, Version: 3, DatasetDraft: catalog.DatasetDraft{
				OrganisationID: "albertslund", Title: "Transskriberede byrådsmøder", Summary: "Lyd og rettet udskrift af 96 byrådsmøder.",
				Description: "Optaget 2019-2024. **Markdown** bevares som tekst.", Modality: "speech", Languages: []string{"da"},
				Size: catalog.DatasetSize{Documents: &size}, Licence: "CC-BY-4.0", Status: "offered", Sharing: "public",
				ContactEmail: "data@albertslund.dk", UseCaseIDs: []string{"01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e5f", "01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4eff"},
			}},
			{ID: "01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e61", CreatedAt: at, UpdatedAt: at, Version: 1, DatasetDraft: catalog.DatasetDraft{
				OrganisationID: "herlev", Title: "Tekster på let dansk", Summary: "Kommunale breve og deres omskrivning til let dansk.",
				Modality: "parallel_text", Languages: []string{"da", "en", "uk"}, Licence: "MIT", Status: "identified", Sharing: "public",
			}},
			{ID: "01936f5e-7c1a-7b3e-9f2d-3a1b2c3d4e62", CreatedAt: at, UpdatedAt: at, PublishedAt: &at, Version: 2, DatasetDraft: catalog.DatasetDraft{
				OrganisationID: "albertslund", Title: "Anonymiserede borgerhenvendelser", Summary: "Henvendelser til borgerservice, uden navne.",
				Modality: "text", Languages: []string{"da"}, Licence: "other", Status: "cleaning", Sharing: "public", ContactEmail: "borgerservice@albertslund.dk",
			}},
		},
		PublicUseCase: func(id string) bool { return strings.HasSuffix(id, "4e5f") },
		Modified:      at,
	}
}

// TestCatalogueMeetsDCATAP validates the catalogue against the DCAT-AP 3.0.1 SHACL shapes
// (testdata/shacl, as SEMIC publishes them) with a SHACL engine, and fails on every violation.
func TestCatalogueMeetsDCATAP(t *testing.T) {
	node, modules := shaclEngine(t)
	doc, err := sample().JSONLD()
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "catalog.jsonld")
	if err := os.WriteFile(data, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	shapes, _ := filepath.Glob(filepath.Join("testdata", "shacl", "*.ttl"))
	if len(shapes) != 3 {
		t.Fatalf("want the three DCAT-AP shape files in testdata/shacl, have %v", shapes)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(node, append([]string{filepath.Join("testdata", "validate.mjs"), modules, data}, shapes...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("the SHACL engine failed: %v\n%s", err, stderr.String())
	}
	t.Log(strings.TrimSpace(stderr.String()))
	if !strings.Contains(stderr.String(), "data: ") || strings.Contains(stderr.String(), "data: 0 triples") {
		t.Fatalf("the engine read no data: %s", stderr.String())
	}
	violations, warnings := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r struct{ Severity, Focus, Path, Message, Shape string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("engine output %q: %v", sc.Text(), err)
		}
		if strings.HasSuffix(r.Severity, "#Violation") {
			violations++
			t.Errorf("violation at %s %s: %s (shape %s)", r.Focus, r.Path, r.Message, r.Shape)
		} else {
			warnings++
			t.Logf("%s at %s %s: %s", r.Severity, r.Focus, r.Path, r.Message)
		}
	}
	t.Logf("%d violations, %d warnings or notes", violations, warnings)
}

// TestTheEngineFindsViolations: a catalogue without its mandatory members fails, so the
// validation above cannot pass by reading nothing.
func TestTheEngineFindsViolations(t *testing.T) {
	node, modules := shaclEngine(t)
	bad := `{"@context":{"dcat":"http://www.w3.org/ns/dcat#","dct":"http://purl.org/dc/terms/"},
		"@graph":[{"@id":"https://usecat.example.dk/api/v1/catalog.jsonld","@type":"dcat:Catalog","dcat:dataset":{"@id":"https://usecat.example.dk/d/1"}},
		{"@id":"https://usecat.example.dk/d/1","@type":"dcat:Dataset"}]}`
	data := filepath.Join(t.TempDir(), "bad.jsonld")
	if err := os.WriteFile(data, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	shapes, _ := filepath.Glob(filepath.Join("testdata", "shacl", "*.ttl"))
	out, err := exec.Command(node, append([]string{filepath.Join("testdata", "validate.mjs"), modules, data}, shapes...)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"http://purl.org/dc/terms/title", "http://purl.org/dc/terms/description", "http://purl.org/dc/terms/publisher"} {
		if !bytes.Contains(out, []byte(`"path":"`+want+`"`)) {
			t.Errorf("no violation for a missing %s: %s", want, out)
		}
	}
}

// shaclEngine finds node and the folder holding rdf-validate-shacl and @zazuko/env-node. It
// skips the test when they are missing, unless USECAT_TEST_SHACL is set (CI), when that fails.
func shaclEngine(t *testing.T) (node, modules string) {
	t.Helper()
	missing := func(what string) {
		if os.Getenv(shaclEnv) != "" {
			t.Fatalf("%s is set but %s", shaclEnv, what)
		}
		t.Skipf("%s; set %s to make this a failure (CI does)", what, shaclEnv)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	modules = os.Getenv(modulesEnv)
	if modules == "" {
		out, err := exec.Command("npm", "root", "-g").Output()
		if err != nil {
			missing("npm cannot name its global folder")
		}
		modules = strings.TrimSpace(string(out))
	}
	for _, m := range []string{"rdf-validate-shacl", "@zazuko/env-node"} {
		if _, err := os.Stat(filepath.Join(modules, m, "package.json")); err != nil {
			missing(m + " is not installed in " + modules + " (npm install --global, at the versions .ci/run pins)")
		}
	}
	return node, modules
}
