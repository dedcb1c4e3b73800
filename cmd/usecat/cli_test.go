package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestOperatorCommands runs orgs add/list and keys create/list/revoke as an operator would,
// partly while a server is running on the same database.
func TestOperatorCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the real binary")
	}
	db := filepath.Join(t.TempDir(), "usecat.db")

	out := mustRun(t, db, "orgs", "add", "frederiksberg", "Frederiksberg Kommune", "--code", "147", "--website", "https://www.frederiksberg.dk")
	if !strings.Contains(out, "frederiksberg") {
		t.Errorf("orgs add said %q", out)
	}
	if _, errs, code := runUsecat(t, db, "orgs", "add", "frederiksberg", "Frederiksberg Kommune"); code == 0 || !strings.Contains(errs, "already exists") {
		t.Errorf("adding it again: exit %d, %q", code, errs)
	}
	if _, errs, code := runUsecat(t, db, "orgs", "add", "Frederiksberg!", "F", "--kind", "city", "--code", "1"); code == 0 ||
		!strings.Contains(errs, "id:") || !strings.Contains(errs, "name:") || !strings.Contains(errs, "kind:") || !strings.Contains(errs, "municipality_code:") {
		t.Errorf("an invalid organisation: exit %d, %q; want every bad field named", code, errs)
	}
	list := mustRun(t, db, "orgs", "list")
	if !regexp.MustCompile(`(?m)^frederiksberg\s+Frederiksberg Kommune\s+municipality\s+147\s+https://www.frederiksberg.dk$`).MatchString(list) ||
		!strings.Contains(list, "albertslund") || strings.Count(list, "\n") != 1+14 {
		t.Errorf("orgs list:\n%s", list)
	}

	// keys create prints the secret, and only the secret, on stdout; the rest goes to stderr.
	secret, errs, code := runUsecat(t, db, "keys", "create", "--org", "frederiksberg", "--role", "editor", "--name", "ESDH-integration")
	secret = strings.TrimSuffix(secret, "\n")
	if code != 0 || !regexp.MustCompile(`^usecat_k[0-9a-f]{16}_[A-Za-z0-9_-]{43}$`).MatchString(secret) || !strings.Contains(errs, "shown only now") {
		t.Fatalf("keys create: exit %d, stdout %q, stderr %q", code, secret, errs)
	}
	keyID := strings.Split(secret, "_")[1]
	admin := strings.TrimSpace(mustRun(t, db, "keys", "create", "--org", "dsk", "--role", "admin", "--name", "Drift"))
	for _, bad := range [][]string{
		{"keys", "create", "--org", "atlantis", "--name", "x"},
		{"keys", "create", "--org", "herlev", "--role", "boss", "--name", "x"},
		{"keys", "create", "--org", "herlev", "--name", "  "},
		{"keys", "revoke", "k0000000000000000"},
	} {
		if out, errs, code := runUsecat(t, db, bad...); code == 0 || strings.Contains(out, "usecat_") {
			t.Errorf("usecat %s: exit %d, %q %q", strings.Join(bad, " "), code, out, errs)
		}
	}
	secretAbsent(t, db, keyID, secret)

	keys := mustRun(t, db, "keys", "list", "--org", "frederiksberg")
	if !regexp.MustCompile(`(?m)^`+keyID+`\s+frederiksberg\s+editor\s+ESDH-integration\s+\S+\s+-\s+-$`).MatchString(keys) ||
		strings.Count(keys, "\n") != 2 || strings.Contains(keys, secret[len("usecat_"+keyID+"_"):]) {
		t.Errorf("keys list --org frederiksberg:\n%s", keys)
	}

	// A running server takes the key at once, records its use, and refuses it as soon as the
	// operator revokes it.
	srv := startServer(t, db)
	status, _, body, err := call(t, "GET", srv.base+"/api/v1/me", secret, "")
	if err != nil || status != 200 || !bytes.Contains(body, []byte(`"id":"frederiksberg"`)) {
		t.Fatalf("/me with the new key: %d %v %s", status, err, body)
	}
	// A key issued through the API while the server runs is no more in its write-ahead log
	// than in the database.
	status, _, body, err = call(t, "POST", srv.base+"/api/v1/organisations/frederiksberg/keys", admin, `{"name":"Sagssystem","role":"reader"}`)
	var created struct {
		Key    struct{ ID string }
		Secret string
	}
	if err != nil || status != 201 || json.Unmarshal(body, &created) != nil {
		t.Fatalf("issue through the API: %d %v %s", status, err, body)
	}
	secretAbsent(t, db, created.Key.ID, created.Secret)

	out = mustRun(t, db, "keys", "revoke", keyID)
	if !strings.Contains(out, keyID) {
		t.Errorf("keys revoke said %q", out)
	}
	status, h, _, err := call(t, "GET", srv.base+"/api/v1/me", secret, "")
	if err != nil || status != 401 || !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("/me with the revoked key: %d %v, WWW-Authenticate %q", status, err, h.Get("WWW-Authenticate"))
	}
	srv.stop(t) // writes the recorded key use
	keys = mustRun(t, db, "keys", "list")
	line := regexp.MustCompile(`(?m)^` + keyID + `\s+frederiksberg\s+editor\s+ESDH-integration\s+(\S+)\s+(\S+)\s+(\S+)$`).FindStringSubmatch(keys)
	if line == nil || line[2] == "-" || line[3] == "-" || !strings.Contains(keys, "Sagssystem") || !strings.Contains(keys, "Drift") {
		t.Errorf("keys list after use and revocation (want last used and revoked times):\n%s", keys)
	}
}

// secretAbsent checks the random part of a secret appears in none of the database's files,
// while the key's id (stored in the clear) does, so the search is known to look in the right
// place.
func secretAbsent(t *testing.T, db, keyID, secret string) {
	t.Helper()
	random := strings.TrimPrefix(secret, "usecat_"+keyID+"_") // base64url, so it may hold '_' too
	if len(random) < 40 || random == secret {
		t.Fatalf("secret %q has no random part", secret)
	}
	idSeen := false
	for _, path := range []string{db, db + "-wal", db + "-shm"} {
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(random)) || bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the secret of key %s", filepath.Base(path), keyID)
		}
		idSeen = idSeen || bytes.Contains(b, []byte(keyID))
	}
	if !idSeen {
		t.Errorf("key %s is in none of the database files: the search looked in the wrong place", keyID)
	}
}
