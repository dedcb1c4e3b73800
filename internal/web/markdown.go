package web

import (
	"bytes"
	"html/template"
	"net/url"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown renders use-case descriptions. Raw HTML stays off (goldmark's default: without
// html.WithUnsafe it is dropped), and safeLinks rewrites what links and images may do.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(safeLinks{}, 100))),
)

// renderMarkdown turns an owner's Markdown into HTML that is safe to put in a page.
func renderMarkdown(src string) template.HTML {
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		// Converting into a buffer cannot fail; show the text escaped if it ever does.
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(b.String()) // #nosec: goldmark escaped the text and dropped raw HTML
}

// safeLinks keeps a description from linking anywhere but the web and e-mail, from loading
// anything (the page's Content-Security-Policy would block it anyway) and from upsetting the
// page's outline:
//   - a link whose address is not http, https or mailto becomes its plain text;
//   - links to other sites get rel="nofollow noopener";
//   - an image becomes a link to it (with its description as the text), or its description;
//   - headings shift down so the description's largest is a third-level heading, below the
//     page's "Description" heading.
type safeLinks struct{}

func (safeLinks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	minLevel := 7
	var links, images []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			minLevel = min(minLevel, n.Level)
		case *ast.Link, *ast.AutoLink:
			links = append(links, n)
		case *ast.Image:
			images = append(images, n)
		}
		return ast.WalkContinue, nil
	})
	for _, n := range images {
		img := n.(*ast.Image)
		if allowedURL(string(img.Destination)) {
			link := ast.NewLink()
			link.Destination, link.Title = img.Destination, img.Title
			for c := img.FirstChild(); c != nil; {
				next := c.NextSibling()
				link.AppendChild(link, c)
				c = next
			}
			img.Parent().ReplaceChild(img.Parent(), img, link)
			links = append(links, link)
		} else {
			unwrap(img)
		}
	}
	for _, n := range links {
		var dest string
		switch l := n.(type) {
		case *ast.Link:
			dest = string(l.Destination)
		case *ast.AutoLink:
			dest = string(l.URL(src))
		}
		if !allowedURL(dest) {
			if al, ok := n.(*ast.AutoLink); ok {
				al.Parent().ReplaceChild(al.Parent(), al, ast.NewString(al.Label(src)))
			} else {
				unwrap(n)
			}
			continue
		}
		if u, err := url.Parse(dest); err == nil && u.Scheme != "mailto" {
			n.SetAttributeString("rel", []byte("nofollow noopener"))
		}
	}
	if minLevel < 7 {
		shift := 3 - minLevel
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if h, ok := n.(*ast.Heading); ok && entering {
				h.Level = min(6, max(1, h.Level+shift))
			}
			return ast.WalkContinue, nil
		})
	}
}

// unwrap replaces n by its children.
func unwrap(n ast.Node) {
	parent := n.Parent()
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// allowedURL accepts absolute http, https and mailto addresses only: a description has no
// page of its own for a relative link to mean anything.
func allowedURL(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		return u.Host != ""
	case "mailto":
		return u.Opaque != ""
	}
	return false
}
