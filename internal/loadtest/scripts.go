package loadtest

import (
	"embed"
	"os"
	"path/filepath"
)

//go:embed scripts/*.lua
var scriptFS embed.FS

// writeScripts writes the embedded wrk Lua scripts into dir and returns their paths by name.
func writeScripts(dir string) (map[string]string, error) {
	entries, err := scriptFS.ReadDir("scripts")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	paths := map[string]string{}
	for _, e := range entries {
		b, err := scriptFS.ReadFile("scripts/" + e.Name())
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, e.Name())
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return nil, err
		}
		paths[e.Name()] = p
	}
	return paths, nil
}
