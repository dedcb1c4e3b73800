// Package catalog is the heart of usecat: the municipal AI use-case, the organisations that
// own them, who may see and change what, the vocabularies, validation, the personal-data guard
// and the interfaces that storage and transport implement.
//
// It depends on the standard library only. Read this package first.
package catalog

import "time"

// Role is what an API key may do.
type Role string

// The roles of DESIGN 3.5.
const (
	RoleReader Role = "reader" // read only
	RoleEditor Role = "editor" // read, and write its own organisation's use-cases
	RoleAdmin  Role = "admin"  // everything, any organisation
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleReader || r == RoleEditor || r == RoleAdmin
}

// Principal is who is asking: an API key, or nobody (the zero value, an anonymous reader).
type Principal struct {
	KeyID          string
	KeyName        string
	OrganisationID string
	Role           Role
}

// Anonymous is the principal of a request without a key.
var Anonymous = Principal{}

// IsAnonymous reports whether p carries no key.
func (p Principal) IsAnonymous() bool { return p.KeyID == "" }

// IsAdmin reports whether p holds an admin key.
func (p Principal) IsAdmin() bool { return p.Role == RoleAdmin }

// CanSee reports whether p may see a use-case of organisation org shared at level s (DESIGN 3.3).
func (p Principal) CanSee(org string, s Sharing) bool {
	switch {
	case s == SharingPublic:
		return true
	case p.IsAnonymous():
		return false
	case p.IsAdmin():
		return true
	case s == SharingConsortium:
		return true
	default:
		return p.OrganisationID == org
	}
}

// CanEdit reports whether p may change the use-cases of organisation org.
func (p Principal) CanEdit(org string) bool {
	return p.IsAdmin() || (p.Role == RoleEditor && p.OrganisationID == org)
}

// Clock returns the current time; tests fix it.
type Clock func() time.Time
