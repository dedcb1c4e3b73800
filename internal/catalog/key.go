package catalog

import "unicode/utf8"

// ValidateKey checks the name and role of a new API key (name already trimmed) and names every
// bad field. A key's name is shown with every revision it writes, which anonymous readers see
// for public use-cases, so it holds no personal data at all.
func ValidateKey(name string, role Role) error {
	var fe FieldErrors
	if n := utf8.RuneCountInString(name); n < 1 || n > KeyNameMax {
		fe.Add("name", FieldNotAllowed, "must be 1 to %d characters, e.g. the system that uses the key", KeyNameMax)
	}
	plainText(&fe, "name", name)
	fe = append(fe, guardPublic("name", name)...)
	if !role.Valid() {
		fe.Add("role", FieldNotAllowed, "must be one of reader, editor, admin")
	}
	return fe.Err("the key has invalid fields")
}
