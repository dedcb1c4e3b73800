package demo

// The vocabulary of the generator. Each list is ordered from the most to the least frequent
// word: the generator draws from it with a Zipf-like distribution, so rank matters. Only
// lowercase letters (æøå included), spaces and '-' appear, never digits or '@', so no
// generated text can look like personal data.

// subjects do things in generated sentences.
var subjects = []string{
	"kommunen", "medarbejderne", "løsningen", "sagsbehandleren", "borgerne", "modellen",
	"forvaltningen", "sprogmodellen", "projektet", "borgerservice", "afdelingen", "systemet",
	"medarbejderen", "teamet", "borgeren", "værktøjet", "jobcenteret", "hjemmeplejen",
	"konsortiet", "leverandøren", "lederen", "sekretariatet", "chatbotten", "styregruppen",
	"it-afdelingen", "rådgiveren", "pilotprojektet", "visitatoren", "pladsanvisningen",
	"biblioteket", "skolen", "byggesagsafdelingen", "sundhedsplejen", "ældrerådet",
	"arkivaren", "juristen", "databeskyttelsesrådgiveren", "kontaktcenteret", "direktionen",
	"udvalget",
}

// verbs are in the present tense.
var verbs = []string{
	"bruger", "foreslår", "læser", "finder", "behandler", "godkender", "kontrollerer",
	"skriver", "sender", "modtager", "opsummerer", "markerer", "sorterer", "oversætter",
	"registrerer", "gennemgår", "understøtter", "forbedrer", "retter", "analyserer",
	"vurderer", "samler", "deler", "viser", "tester", "måler", "journaliserer",
	"klassificerer", "genkender", "prioriterer", "omskriver", "transskriberer", "forenkler",
	"besvarer", "dokumenterer", "evaluerer", "undersøger", "udvikler", "anvender",
	"strukturerer", "udtrækker", "anonymiserer", "overvåger", "forudsiger", "arkiverer",
	"afprøver", "tolker", "beskriver", "henter", "sikrer", "planlægger", "indekserer",
	"kvalitetssikrer", "fremsøger", "visiterer", "screener", "afgrænser", "opdaterer",
}

// objects are the common nouns; compounds of prefixes and heads make the long, rare tail.
var objects = []string{
	"sager", "breve", "henvendelser", "dokumenter", "data", "afgørelser", "oplysninger",
	"tekster", "notater", "spørgsmål", "svar", "ansøgninger", "opgaver", "arbejdsgange",
	"referater", "vejledninger", "regler", "møder", "samtaler", "tilbud", "ydelser", "klager",
	"frister", "skabeloner", "erfaringer", "resultater", "fejl", "indsatser", "høringssvar",
	"fakturaer", "journalnotater", "lydoptagelser", "undertekster", "oversættelser",
	"lokalplaner", "aftaler", "politikker", "paragraffer", "mønstre", "forslag", "kilder",
	"emner", "sagstyper", "beskeder", "formularer", "rapporter", "oversigter", "tjeklister",
	"prompter", "datasæt", "modeller", "kategorier", "stikprøver", "begrundelser",
	"partshøringer", "klagevejledninger", "journalnumre", "bilag", "tegninger", "beregninger",
	"målinger", "prognoser", "pjecer", "hjemmesider", "videoer", "bøger", "lydbøger",
	"piktogrammer", "ordlister", "fagord", "dialekter", "accenter", "sætninger", "afsnit",
	"overskrifter", "resuméer", "citater", "retskilder", "principafgørelser", "domme",
	"lovforslag", "bekendtgørelser", "cirkulærer", "dagsordener", "beslutninger", "budgetter",
	"regnskaber", "kontrakter", "udbud", "leverancer", "licenser", "servere", "datacentre",
	"adgange", "logninger", "rettigheder", "samtykker", "risici", "skævheder", "konsekvenser",
	"gevinster", "udgifter", "besparelser", "ventetider", "sagsbunker", "efterslæb",
}

// themes are the words of the trade. The generator spreads them among the compounds, at
// ranks where each lands in about 0.5 to 5 percent of use-cases (see SearchWords).
var themes = []string{
	"tolkning", "tilgængelighed", "transskription", "sagsbehandling", "journalisering",
	"aktindsigt", "oplæsning", "letlæsning", "tegnsprog", "anonymisering", "pseudonymisering",
	"overstregning", "visitation", "klassifikation", "opsummering", "talegenkendelse",
	"maskinoversættelse", "finjustering", "kvalitetssikring", "dataminimering",
}

// prefixes and heads are glued into compound nouns ("borger" + "henvendelser").
var prefixes = []string{
	"borger", "sags", "bygge", "skole", "miljø", "affalds", "ældre", "bolig",
	"beskæftigelses", "social", "sundheds", "trafik", "kultur", "biblioteks", "dagtilbuds",
	"pleje", "journal", "tolke", "sprog", "handicap", "familie", "børne", "ungdoms",
	"integrations", "plan", "natur", "klima", "energi", "vej", "parkerings", "økonomi", "løn",
	"personale", "it-", "arkiv", "kvalitets", "tilsyns", "myndigheds", "forsynings", "havne",
}

var heads = []string{
	"henvendelser", "sager", "data", "breve", "notater", "afgørelser", "systemer", "løsninger",
	"processer", "opgaver", "planer", "analyser", "registre", "portaler", "møder",
	"ansøgninger", "vejledninger", "indsatser", "områder", "medarbejdere", "rådgivning",
	"service", "oplysninger", "dokumenter", "tekster", "samtaler", "forløb", "journaler",
	"skabeloner", "tilbud", "ydelser", "klager", "frister", "arkiver", "rapporter",
	"oversigter", "politikker", "budgetter", "kontrakter", "konsulenter",
}

var adjectives = []string{
	"nye", "digitale", "mange", "vigtige", "relevante", "kommunale", "danske", "interne",
	"offentlige", "lange", "korte", "enkle", "følsomme", "flere", "automatiske", "faglige",
	"tidligere", "konkrete", "komplekse", "åbne", "sikre", "lokale", "fælles", "flersprogede",
	"tilgængelige", "præcise", "ensartede", "manuelle", "juridiske", "skriftlige", "mundtlige",
	"strukturerede", "ustrukturerede", "gamle", "store", "små", "hyppige", "sjældne",
	"pseudonymiserede", "anonymiserede", "godkendte", "afsluttede", "verserende",
	"indscannede", "letlæste", "oversatte", "transskriberede", "bevaringsværdige",
}

var adverbs = []string{
	"automatisk", "også", "løbende", "nu", "altid", "hurtigt", "typisk", "ofte", "fortsat",
	"allerede", "desuden", "derfor", "stadig", "manuelt", "dagligt", "samtidig", "først",
	"sikkert", "korrekt", "sjældent", "gradvist", "systematisk", "ugentligt", "midlertidigt",
}

var prepositions = []string{
	"i", "på", "til", "fra", "med", "om", "for", "efter", "ved", "uden", "under", "gennem",
	"mellem", "før", "hos", "inden for",
}

var conjunctions = []string{"og", "så", "fordi", "når", "men", "mens", "hvis", "selv om"}

// titleAdjectives and titleActions start titles: "Automatisk journalisering af ...".
var titleAdjectives = []string{
	"automatisk", "digital", "flersproget", "fælles", "intelligent", "sikker", "lokal",
	"åben", "hurtigere", "bedre", "forenklet", "tilgængelig", "ensartet", "datadrevet",
}

var titleActions = []string{
	"journalisering", "opsummering", "oversættelse", "søgning", "klassificering",
	"visitering", "screening", "kvalitetssikring", "sortering", "udtræk", "overvågning",
	"prioritering", "besvarelse", "registrering", "anonymisering", "omskrivning", "oplæsning",
	"forudsigelse", "arkivering", "genkendelse", "planlægning", "dokumentation",
}

// headings start the sections of a generated description.
var headings = []string{
	"Baggrund", "Formål", "Sådan virker det", "Data og jura", "Erfaringer", "Næste skridt",
}

// syntheticTags is the fixed list of about a hundred tags the generator draws from.
var syntheticTags = []string{
	"sprogmodel", "borgerservice", "automatisering", "lyd", "oversættelse",
	"webtilgængelighed", "klart-sprog", "chatbot", "journalisering", "esdh", "aktindsigt",
	"byggesager", "opsummering", "flersproget", "tolke", "søgning", "rag", "jobcenter",
	"hjemmepleje", "ældre", "skole", "dagtilbud", "affald", "miljø", "klima", "energi",
	"trafik", "parkering", "bibliotek", "kultur", "sundhed", "sundhedspleje", "handicap",
	"børn-og-unge", "beskæftigelse", "integration", "økonomi", "fakturaer", "hr",
	"intranet", "arkiv", "anonymisering", "persondata", "gdpr", "ai-forordningen",
	"højrisiko", "dpia", "etik", "bias", "evaluering", "benchmark", "åbne-data", "datasæt",
	"træningsdata", "open-source", "on-premises", "eu-cloud", "whisper", "dansk-tale",
	"tale-til-tekst", "tekst-til-tale", "oplæsning", "letlæst", "tegnsprog", "undertekster",
	"møder", "referater", "demokrati", "høringer", "lokalplaner", "klassifikation",
	"ocr", "dokumentkontrol", "afgørelser", "klager", "frister", "breve", "digital-post",
	"selvbetjening", "telefoni", "kontaktcenter", "videndeling", "semantisk-søgning",
	"prognoser", "billedgenkendelse", "sensorer", "natur", "vand", "veje", "boliger",
	"planlægning", "visitation", "forebyggelse", "kvalitet", "medarbejdere", "kompetencer",
	"pilot", "dsk", "danish-foundation-models", "samarbejde", "genbrug",
}

// syntheticModels are the models a generated use-case may name.
var syntheticModels = []struct {
	name, provider string
	open           bool
}{
	{"Munin-7B-Alpha", "Danish Foundation Models", true},
	{"dfm-encoder-large", "Danish Foundation Models", true},
	{"Whisper large-v3", "OpenAI", true},
	{"Røst-315m", "Alexandra Instituttet (CoRal)", true},
	{"SnakModel-7B", "IT-Universitetet i København", true},
	{"Mistral Small 3.1", "Mistral AI", true},
	{"Gemma 3 27B", "Google", true},
	{"Llama 3.1 8B Instruct", "Meta", true},
	{"EuroLLM-9B-Instruct", "EuroLLM-projektet", true},
	{"multilingual-e5-large", "Microsoft", true},
	{"NLLB-200", "Meta", true},
	{"GPT-4o", "Microsoft Azure OpenAI", false},
	{"Azure AI Speech", "Microsoft", false},
	{"ScandiNER", "Alexandra Instituttet", true},
}

// syntheticVendors are invented suppliers and a few familiar names.
var syntheticVendors = []string{
	"Netcompany", "KMD", "Systematic", "Alexandra Instituttet", "Nordlys Data A/S",
	"Sprogværket ApS", "Tolkebro ApS", "Fjernvarmedata ApS", "Robotværkstedet ApS",
	"Danish Foundation Models",
}

// syntheticLanguages are the ISO 639-1 codes multilingual use-cases serve.
var syntheticLanguages = []string{"da", "en", "ar", "uk", "tr", "so", "ur", "pl", "de", "fa", "ps", "ti", "ru", "ro"}
