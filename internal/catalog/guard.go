package catalog

// GuardPersonalData checks the free-text fields of d for personal data (DESIGN 4.3).
// Placeholder until the guard lands.
func GuardPersonalData(d *Draft) []FieldError { return nil }
