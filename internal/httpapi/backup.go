package httpapi

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/usecat/usecat/internal/catalog"
)

const (
	// backupTimeout bounds making and sending a backup: a 100,000 use-case database is some
	// 600 MB. The route streams (writeDeadlines), so a client that stops reading is cut off
	// long before.
	backupTimeout = 30 * time.Minute
	mimeSQLite    = "application/vnd.sqlite3"
)

var errNoBackups = catalog.Errorf(catalog.ErrNotSupported, "this server makes no backups")

// handleBackup streams a consistent copy of the live database.
//
//	@Summary		Download a backup of the database
//	@ID				backupDatabase
//	@Description	Makes a consistent copy of the live SQLite database while writes go on (SQLite's VACUUM INTO, one read transaction) and streams it as a file to save. Admins only.
//	@Description	To restore, stop the server, put the file in place of the database file (removing any `-wal` and `-shm` files beside it) and start the server; see the README. The copy has a database identity of its own, so harvesters following the server get 410 Gone after a restore and start again.
//	@Description	On PostgreSQL the answer is 501: back PostgreSQL up with `pg_dump`.
//	@Tags			operations
//	@Produce		application/vnd.sqlite3
//	@Security		BearerAuth
//	@Success		200	{file}		file	"The SQLite database file"
//	@Header			200	{string}	Content-Disposition	"attachment, with a file name holding the time of the copy"
//	@Header			200	{integer}	Content-Length		"The size of the file in bytes, when the answer is not compressed"
//	@Failure		401	{object}	Problem				"No API key, or not a valid one"
//	@Failure		403	{object}	Problem				"Not an admin key"
//	@Failure		429	{object}	Problem				"Too many requests"
//	@Failure		500	{object}	Problem				"Something unexpected went wrong"
//	@Failure		501	{object}	Problem				"The database is PostgreSQL: back it up with pg_dump"
//	@Failure		503	{object}	Problem				"The database is unavailable or the request took too long"
//	@Router			/api/v1/admin/backup [post]
func (s *Server) handleBackup(c echo.Context) error {
	if s.cfg.Backups == nil {
		return errNoBackups
	}
	started := s.cfg.Clock().UTC()
	return s.cfg.Backups.WriteBackup(c.Request().Context(), func(size int64, file io.Reader) error {
		h := c.Response().Header()
		h.Set(echo.HeaderContentType, mimeSQLite)
		h.Set(echo.HeaderContentLength, strconv.FormatInt(size, 10))
		h.Set(echo.HeaderContentDisposition, `attachment; filename="usecat-`+started.Format("20060102T150405Z")+`.db"`)
		h.Set(echo.HeaderCacheControl, "no-store")
		c.Response().WriteHeader(http.StatusOK)
		_, err := io.Copy(c.Response(), file)
		return err
	})
}
