// Command apidoc writes usecat's OpenAPI 3 document, openapi.yaml, from the
// Swagger 2.0 document that swag generates into docs/ (make docs), and with
// -schemas the JSON Schemas of api/ from the same document; with -check it
// writes nothing and fails when a file differs from what it would write (make test).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/usecat/usecat/internal/apidoc"
)

func main() {
	in := flag.String("in", "docs/swagger.json", "the Swagger 2.0 `file` swag wrote")
	out := flag.String("out", "openapi.yaml", "the OpenAPI 3 `file` to write or check")
	schemas := flag.String("schemas", "", "also write the JSON Schemas into this `folder` (api)")
	check := flag.Bool("check", false, "write nothing; exit 1 if an output file is stale")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: apidoc [-check] [-in docs/swagger.json] [-out openapi.yaml] [-schemas api]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(*in, *out, *schemas, *check); err != nil {
		// Errors from package apidoc already name it.
		fmt.Fprintln(os.Stderr, "apidoc:", strings.TrimPrefix(err.Error(), "apidoc: "))
		os.Exit(1)
	}
}

func run(in, out, schemas string, check bool) error {
	swagger2, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	doc, err := apidoc.Convert(swagger2)
	if err != nil {
		return err
	}
	want, err := apidoc.MarshalYAML(doc)
	if err != nil {
		return err
	}
	if err := put(out, want, in, check); err != nil {
		return err
	}
	if schemas == "" {
		return nil
	}
	for _, f := range apidoc.SchemaFiles {
		b, err := apidoc.JSONSchema(doc, f)
		if err != nil {
			return err
		}
		if err := put(filepath.Join(schemas, f.Name), b, in, check); err != nil {
			return err
		}
	}
	return nil
}

// put writes want to the file out, or with check compares them.
func put(out string, want []byte, in string, check bool) error {
	if !check {
		return os.WriteFile(out, want, 0o644)
	}
	have, err := os.ReadFile(out)
	if err != nil {
		return fmt.Errorf("%w; run make docs", err)
	}
	if !bytes.Equal(have, want) {
		return fmt.Errorf("%s is stale: it differs from what %s gives at line %d; run make docs and commit the result", out, in, firstDiffLine(have, want))
	}
	return nil
}

// firstDiffLine returns the number of the first line where a and b differ.
func firstDiffLine(a, b []byte) int {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}
