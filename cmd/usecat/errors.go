package main

import (
	"errors"

	"github.com/usecat/usecat/internal/catalog"
)

func asCatalogError(err error, target **catalog.Error) bool { return errors.As(err, target) }
