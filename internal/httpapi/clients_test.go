package httpapi_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/usecat/usecat/internal/httpapi"
)

// clientsDir holds the generators' settings and the scenarios the generated clients run.
const clientsDir = "testdata/clients"

// clientModules pins what the generated Go client imports.
const clientModules = `module clientscenario

go 1.26

require (
	github.com/oapi-codegen/nullable v1.2.0
	github.com/oapi-codegen/runtime v1.9.0
)
`

// TestGeneratedClients generates a Go client (oapi-codegen) and TypeScript types
// (openapi-typescript) from openapi.yaml, as make clients does, compiles both, checks that the
// members the document requires are plain values in Go, and runs a short scenario with the Go
// client against a real server on every engine. Without openapi-typescript and tsc it skips,
// except in CI, where it fails.
func TestGeneratedClients(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated clients")
	}
	var missing []string
	for _, tool := range []string{"openapi-typescript", "tsc"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%v missing; .ci/run installs them", missing)
		}
		t.Skipf("%v missing: npm install --global openapi-typescript typescript (versions in the Makefile)", missing)
	}
	spec, err := filepath.Abs(specPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	goDir := filepath.Join(dir, "go")
	gen := filepath.Join(goDir, "usecat", "usecat.gen.go")
	mkdir(t, filepath.Dir(gen))
	command(t, "", "go", "tool", "oapi-codegen", "-config", filepath.Join(clientsDir, "oapi-codegen.yaml"), "-o", gen, spec)
	requiredArePlain(t, gen)
	scenario, err := os.ReadFile(filepath.Join(clientsDir, "scenario.go"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(goDir, "main.go"), strings.Replace(string(scenario), "//go:build ignore", "", 1))
	write(t, filepath.Join(goDir, "go.mod"), clientModules)
	command(t, goDir, "go", "mod", "tidy")
	command(t, goDir, "go", "build", "-o", "scenario", ".")

	tsDir := filepath.Join(dir, "ts")
	mkdir(t, tsDir)
	// A member with a default may be left out of a request: not required in the types either.
	command(t, "", "openapi-typescript", spec, "--default-non-nullable", "false", "-o", filepath.Join(tsDir, "usecat.d.ts"))
	ts, err := os.ReadFile(filepath.Join(clientsDir, "scenario.ts"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(tsDir, "scenario.ts"), string(ts))
	command(t, tsDir, "tsc", "--strict", "--noEmit", "--target", "es2022", "--module", "es2022", "--moduleResolution", "bundler", "scenario.ts")

	forEngines(t, httpapi.Config{}, func(t *testing.T, f *engineFixture) {
		srv := httptest.NewServer(f.h)
		defer srv.Close()
		out := command(t, goDir, "./scenario", srv.URL, f.keys["editor"])
		t.Logf("%s", out)
		if !strings.Contains(out, "scenario: ok") {
			t.Errorf("the scenario did not finish: %s", out)
		}
	})
}

// requiredArePlain checks that the members openapi.yaml requires of the main response bodies
// come out of the Go generator as values, not pointers.
func requiredArePlain(t *testing.T, file string) {
	t.Helper()
	doc, _ := loadSpec(t)
	parsed, err := parser.ParseFile(token.NewFileSet(), file, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]*ast.StructType{}
	ast.Inspect(parsed, func(n ast.Node) bool {
		if ts, ok := n.(*ast.TypeSpec); ok {
			if st, ok := ts.Type.(*ast.StructType); ok {
				types[ts.Name.Name] = st
			}
		}
		return true
	})
	for schema, goType := range map[string]string{
		"catalog.UseCase": "CatalogUseCase", "catalog.Draft": "CatalogDraft", "httpapi.ChangeList": "HttpapiChangeList",
		"httpapi.Change": "HttpapiChange", "catalog.Organisation": "CatalogOrganisation", "httpapi.Problem": "HttpapiProblem",
	} {
		st := types[goType]
		if st == nil {
			t.Errorf("the Go client has no type %s for %s", goType, schema)
			continue
		}
		fields := map[string]ast.Expr{}
		for _, f := range st.Fields.List {
			if f.Tag != nil {
				name, _, _ := strings.Cut(reflect.StructTag(strings.Trim(f.Tag.Value, "`")).Get("json"), ",")
				fields[name] = f.Type
			}
		}
		for _, member := range doc.Components.Schemas[schema].Value.Required {
			switch fields[member].(type) {
			case nil:
				t.Errorf("%s has no field for the required %s", goType, member)
			case *ast.StarExpr:
				t.Errorf("%s.%s is a pointer, but the document requires it", goType, member)
			}
		}
	}
}

// command runs a program in dir (the test's own when empty) and returns what it printed.
func command(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func mkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
