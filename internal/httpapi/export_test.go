package httpapi

// RouteTable lists the method and Echo path of every route but the web catalogue's pages, for the tests of package
// httpapi_test that check the OpenAPI document covers them.
func (s *Server) RouteTable() [][2]string {
	var out [][2]string
	for _, r := range s.routes() {
		if r.page {
			continue
		}
		out = append(out, [2]string{r.method, r.path})
	}
	return out
}
