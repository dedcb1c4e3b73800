// Package dcat describes the public datasets as a DCAT-AP 3 catalogue in JSON-LD, the form
// the Danish and EU data portals harvest: a catalogue published by the consortium, one
// publisher per organisation, and per dataset its title and description in Danish, its
// languages and licence as URIs of the EU vocabularies, a contact point, the use-cases it
// serves (dct:relation) and one distribution, the dataset's record in the API.
//
// The JSON-LD carries its context inline, so a harvester needs no other document to read it.
package dcat

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/usecat/usecat/internal/catalog"
)

// EU vocabularies (the Publications Office's authority tables) and others DCAT-AP names.
const (
	euLanguage = "http://publications.europa.eu/resource/authority/language"
	euFileType = "http://publications.europa.eu/resource/authority/file-type"
	euLicence  = "http://publications.europa.eu/resource/authority/licence"
	spdxList   = "http://spdx.org/licenses/"
	admsType   = "http://purl.org/adms/publishertype/"
)

// context is the JSON-LD context of the catalogue: the prefixes it uses.
var context = map[string]string{
	"dcat":   "http://www.w3.org/ns/dcat#",
	"dct":    "http://purl.org/dc/terms/",
	"foaf":   "http://xmlns.com/foaf/0.1/",
	"vcard":  "http://www.w3.org/2006/vcard/ns#",
	"skos":   "http://www.w3.org/2004/02/skos/core#",
	"xsd":    "http://www.w3.org/2001/XMLSchema#",
	"dcatap": "http://data.europa.eu/r5r/",
}

// Catalogue is what the catalogue is made of: the server's public address, the organisations,
// the public datasets as served, and which use-cases the public may see (only those are
// named as relations).
type Catalogue struct {
	Base          string
	Organisations []catalog.Organisation
	Datasets      []catalog.Dataset
	PublicUseCase func(id string) bool
	Modified      time.Time // the newest change, the catalogue's dct:modified; none when zero
}

// node is one JSON-LD node object.
type node map[string]any

func id(iri string) node { return node{"@id": iri} }

func text(s, lang string) node { return node{"@value": s, "@language": lang} }

func date(t time.Time) node {
	return node{"@value": t.UTC().Format(time.RFC3339), "@type": "xsd:dateTime"}
}

// JSONLD renders c as a DCAT-AP 3 catalogue.
func (c Catalogue) JSONLD() ([]byte, error) {
	base := strings.TrimSuffix(c.Base, "/")
	orgIRI := func(org string) string { return base + "/api/v1/organisations/" + org }
	var graph []node
	concepts := map[string]node{}
	concept := func(iri, scheme string, types ...string) node {
		if _, ok := concepts[iri]; !ok {
			n := node{"@id": iri, "skos:inScheme": id(scheme)}
			if len(types) > 0 {
				n["@type"] = types
			}
			concepts[iri] = n
		}
		return id(iri)
	}
	orgs := map[string]catalog.Organisation{}
	for _, o := range c.Organisations {
		orgs[o.ID] = o
	}
	publishers := map[string]bool{"dsk": true}
	datasets := make([]node, 0, len(c.Datasets))
	for _, d := range c.Datasets {
		publishers[d.OrganisationID] = true
		iri := base + "/api/v1/datasets/" + d.ID
		n := node{
			"@id":             iri,
			"@type":           "dcat:Dataset",
			"dct:identifier":  d.ID,
			"dct:title":       text(d.Title, "da"),
			"dct:description": text(strings.TrimSpace(d.Summary+"\n\n"+d.Description), "da"),
			"dct:publisher":   id(orgIRI(d.OrganisationID)),
			"dct:modified":    date(d.UpdatedAt),
			"dcat:landingPage": node{
				"@id": iri, "@type": "foaf:Document",
			},
		}
		if d.PublishedAt != nil {
			n["dct:issued"] = date(*d.PublishedAt)
		}
		var langs []node
		for _, l := range d.Languages {
			if code, ok := euLanguageCode(l); ok {
				langs = append(langs, concept(euLanguage+"/"+code, euLanguage, "dct:LinguisticSystem"))
			}
		}
		if len(langs) > 0 {
			n["dct:language"] = langs
		}
		if d.ContactEmail != "" {
			n["dcat:contactPoint"] = node{
				"@type":          []string{"vcard:Kind", "vcard:Organization"},
				"vcard:fn":       orgs[d.OrganisationID].Name,
				"vcard:hasEmail": id("mailto:" + d.ContactEmail),
			}
		}
		var related []node
		for _, uc := range d.UseCaseIDs {
			if c.PublicUseCase(uc) {
				related = append(related, id(base+"/api/v1/usecases/"+uc))
			}
		}
		if len(related) > 0 {
			n["dct:relation"] = related
		}
		dist := node{
			"@type":          "dcat:Distribution",
			"dct:title":      text("Datasættets oplysninger i usecat (JSON)", "da"),
			"dcat:accessURL": id(iri),
			"dct:format":     concept(euFileType+"/JSON", euFileType, "dct:MediaTypeOrExtent"),
		}
		if licence := licenceIRI(d.Licence); licence != "" {
			dist["dct:license"] = node{"@id": licence, "@type": "dct:LicenseDocument"}
		}
		n["dcat:distribution"] = dist
		datasets = append(datasets, n)
	}
	refs := make([]node, len(datasets))
	for i, d := range datasets {
		refs[i] = id(d["@id"].(string))
	}
	graph = append(graph, node{
		"@id":             base + "/api/v1/catalog.jsonld",
		"@type":           "dcat:Catalog",
		"dct:title":       []node{text("Datasæt delt med Danish Foundation Models", "da"), text("Datasets shared with Danish Foundation Models", "en")},
		"dct:description": []node{text("Datasæt, som medlemmerne af Dansk Sprogmodel Konsortium tilbyder Danish Foundation Models til træning af danske sprogmodeller, med rettigheder godkendt, personoplysninger filtreret og data i EU.", "da"), text("Datasets the members of the Danish Language Model Consortium offer Danish Foundation Models for training Danish language models, with rights cleared, personal data filtered and the data kept in the EU.", "en")},
		"dct:publisher":   id(orgIRI("dsk")),
		"foaf:homepage":   node{"@id": base + "/", "@type": "foaf:Document"},
		"dct:language":    concept(euLanguage+"/DAN", euLanguage, "dct:LinguisticSystem"),
		"dcat:dataset":    refs,
	})
	if !c.Modified.IsZero() {
		graph[0]["dct:modified"] = date(c.Modified)
	}
	graph = append(graph, datasets...)
	for _, o := range c.Organisations {
		if !publishers[o.ID] {
			continue
		}
		a := node{"@id": orgIRI(o.ID), "@type": []string{"foaf:Agent", "foaf:Organization"}, "foaf:name": o.Name}
		if t, ok := publisherTypes[string(o.Kind)]; ok {
			a["dct:type"] = node{"@id": admsType + t, "@type": "skos:Concept", "skos:prefLabel": t}
		}
		if o.Website != "" {
			a["foaf:homepage"] = node{"@id": o.Website, "@type": "foaf:Document"}
		}
		graph = append(graph, a)
	}
	for _, iri := range slices.Sorted(maps.Keys(concepts)) {
		graph = append(graph, concepts[iri])
	}
	return json.MarshalIndent(map[string]any{"@context": context, "@graph": graph}, "", " ")
}

// publisherTypes maps organisation kinds onto the ADMS publisher types.
var publisherTypes = map[string]string{
	"municipality": "LocalAuthority",
	"region":       "RegionalAuthority",
	"state":        "NationalAuthority",
	"consortium":   "PublicBody",
}

// euLanguageCode turns an ISO 639-1 code into the code of the EU language authority table,
// which uses ISO 639-3 codes in capitals (da: DAN).
func euLanguageCode(code string) (string, bool) {
	b, err := language.ParseBase(code)
	if err != nil {
		return "", false
	}
	return strings.ToUpper(b.ISO3()), true
}

// euLicences maps SPDX identifiers onto the EU licence authority table, for the licences
// data is most often shared under; any other SPDX licence is named by its SPDX URI.
var euLicences = map[string]string{
	"CC-BY-4.0":       "CC_BY_4_0",
	"CC-BY-SA-4.0":    "CC_BYSA_4_0",
	"CC-BY-NC-4.0":    "CC_BYNC_4_0",
	"CC-BY-ND-4.0":    "CC_BYND_4_0",
	"CC-BY-NC-SA-4.0": "CC_BYNCSA_4_0",
	"CC-BY-NC-ND-4.0": "CC_BYNCND_4_0",
	"CC0-1.0":         "CC0",
	"ODC-By-1.0":      "ODC_BY",
	"ODbL-1.0":        "ODC_BL",
	"PDDL-1.0":        "ODC_PDDL",
	"Apache-2.0":      "APACHE_2_0",
	"0BSD":            "0BSD",
	"BSD-2-Clause":    "BSD_2_CLAUSE",
	"BSD-3-Clause":    "BSD_3_CLAUSE",
}

// licenceIRI is the URI of an SPDX licence; "" for other or none.
func licenceIRI(spdx string) string {
	switch {
	case spdx == "" || spdx == catalog.LicenceOther:
		return ""
	case euLicences[spdx] != "":
		return euLicence + "/" + euLicences[spdx]
	}
	return spdxList + spdx
}
