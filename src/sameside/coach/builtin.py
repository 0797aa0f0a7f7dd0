"""The coach's built-in rules, as plain data: English in full; a handful each in German, French and Spanish.

Each is a phrase list (`phrases`) or a small regular expression, matched case-insensitively as whole
words. Real words agents write, and — as important — words they should keep: a real apology ("sorry to
hear the parcel was damaged") and a forthcoming policy ("our refund policy gives you 30 days") are never
flagged (`tests/coach/test_rules.py`). A team switches any of these off, or adds its own, at /desk/coach.
"""

from __future__ import annotations

from sameside.coach.rules import Kind, Rule, phrases

B, P, C, H, J = Kind.BLAME, Kind.PAT_APOLOGY, Kind.COLD_OPENER, Kind.POLICY_HIDING, Kind.JARGON

_WE_CANNOT = r"we\s+(?:cannot|can['’]?t|can\s+not|are\s+(?:unable|not\s+able)\s+to|do\s+not|don['’]t)"

ENGLISH: tuple[Rule, ...] = (
    # ---- blame: the customer did it wrong
    Rule(
        "you-entered-it-wrong",
        B,
        "en",
        r"you\s+(?:entered|typed|put\s+in|filled\s+in|gave\s+us|provided|used|chose|selected)\s+(?:your|the|a)"
        r"(?:\s+\w+){0,3}?\s+(?:wrong(?:ly)?|incorrect(?:ly)?|by\s+mistake)",
        "It tells them the problem is their fault, when they came to us for help.",
        "it looks like the details need correcting — let me fix that for you",
    ),
    Rule(
        "you-failed-to",
        B,
        "en",
        phrases("you failed to", "you forgot to", "you neglected to", "you didn't bother to"),
        "It points at what they did not do, which reads as an accusation.",
        "it looks like we still need to",
    ),
    Rule(
        "you-should-have",
        B,
        "en",
        r"you\s+(?:should(?:n['’]t|\s+not)?\s+have|were\s+supposed\s+to\s+have)\s+(?:read|checked|known|called|"
        r"contacted\s+us|told\s+us|asked|followed|noticed|kept|waited|entered|updated|double[\s-]checked)",
        "Hindsight about what they should have done does not help them now.",
        "let me help with this now",
    ),
    Rule(
        "you-misunderstood",
        B,
        "en",
        phrases("you misunderstood", "you misread", "you are confused", "you're confused", "you are mistaken"),
        "It puts the misunderstanding on them; we are the ones who explain.",
        "I may not have explained this clearly",
    ),
    Rule(
        "did-you-read",
        B,
        "en",
        phrases("did you even read", "did you not read", "didn't you read", "if you had read", "as clearly stated"),
        "It suggests they did not pay attention, which makes them defensive.",
        "in case it got lost along the way",
    ),
    Rule(
        "user-error",
        B,
        "en",
        phrases("user error", "your fault", "that's on you", "that is on you", "your own fault"),
        "Naming fault ends the conversation about fixing it.",
        "let's sort this out together",
    ),
    # ---- pat apologies
    Rule(
        "sorry-for-the-inconvenience",
        P,
        "en",
        r"(?:(?:we|I)(?:['’]m|\s+am|\s+are|['’]re)?\s+)?(?:sorry|apologi[sz]e|regret)\s+(?:for\s+)?"
        r"(?:the|any|this)\s+inconvenience(?:\s+(?:this|that)\s+(?:may\s+have\s+|has\s+)?caused(?:\s+you)?|\s+caused)?",
        "A stock phrase: it reads as a pat, half-hearted throwaway.",
        "I'm sorry this has made things harder for you — I'd be frustrated too",
    ),
    Rule(
        "sorry-for-any-confusion",
        P,
        "en",
        phrases(
            "sorry for any confusion",
            "apologies for any confusion",
            "we apologise for any confusion",
            "we apologize for any confusion",
        ),
        '"Any confusion" hints the confusion was theirs.',
        "I'm sorry that wasn't clear — here it is plainly",
    ),
    Rule(
        "sorry-you-feel",
        P,
        "en",
        phrases(
            "sorry you feel that way",
            "sorry if you feel",
            "sorry that you feel",
            "sorry if you were offended",
            "sorry if that upset you",
        ),
        "An apology for their feelings, not for what happened, is not an apology.",
        "I understand why this is upsetting, and I'm sorry it happened",
    ),
    Rule(
        "valued-customer",
        P,
        "en",
        phrases(
            "your call is important to us",
            "your business is important to us",
            "you are a valued customer",
            "as a valued customer",
            "we value your feedback",
        ),
        "Said by every company to everyone, it sounds like no one in particular.",
        "I want to get this right for you",
    ),
    Rule(
        "we-apologise-for-any",
        P,
        "en",
        phrases(
            "we apologise for any trouble",
            "we apologize for any trouble",
            "apologies for any trouble caused",
            "we regret any trouble",
        ),
        '"Any" trouble hedges: say what went wrong and own it.',
        "I'm sorry we let you down here",
    ),
    # ---- cold or adversarial openers
    Rule(
        "whos-next",
        C,
        "en",
        phrases("who's next", "who is next", "next please"),
        "It makes them a number in a line, not a person we are glad to help.",
        "hello, how can I help you?",
    ),
    Rule(
        "as-per-my-last-email",
        C,
        "en",
        r"as\s+per\s+my\s+(?:last|previous|earlier)\s+(?:e-?mail|message|reply|note)"
        r"|as\s+(?:previously|already)\s+(?:stated|mentioned|explained|said)"
        r"|as\s+(?:I|we)\s+(?:already|previously)\s+(?:stated|mentioned|explained|said|told\s+you)"
        r"|as\s+stated\s+(?:previously|before|in\s+my\s+(?:last|previous)\s+(?:e-?mail|message))",
        'It reads as "you should have listened": adversarial, even when not meant so.',
        "to recap",
    ),
    Rule(
        "to-whom-it-may-concern",
        C,
        "en",
        phrases(
            "to whom it may concern",
            "dear customer",
            "dear valued customer",
            "dear sir or madam",
            "dear sir/madam",
            "dear user",
        ),
        "A form letter's greeting: we know their name, so use it.",
        "Hello",
    ),
    Rule(
        "please-be-advised",
        C,
        "en",
        phrases(
            "please be advised",
            "kindly be advised",
            "be advised that",
            "please be informed",
            "kindly note that",
            "it has come to our attention",
        ),
        "Officialese: it puts a counter between us and them.",
        "I want to let you know",
    ),
    Rule(
        "whats-the-problem",
        C,
        "en",
        phrases(
            "what is your problem",
            "what's your problem",
            "what is the problem now",
            "what is your issue",
            "what's your issue",
        ),
        "It sounds like a challenge, not an offer of help.",
        "how can I help?",
    ),
    Rule(
        "calm-down",
        C,
        "en",
        phrases(
            "calm down",
            "there is no need to shout",
            "there's no need to shout",
            "no need to get upset",
            "you need to relax",
        ),
        "Telling someone how to feel makes them feel it more.",
        "I understand why you're upset",
    ),
    Rule(
        "not-my-department",
        C,
        "en",
        phrases(
            "that's not my department",
            "that is not my department",
            "not my job",
            "that's not my job",
            "not my problem",
            "you'll have to contact someone else",
            "you will have to contact another department",
        ),
        "We are one company to them: sending them away is the phone-tree hell they hate.",
        "let me get this to the right person for you",
    ),
    Rule(
        "with-all-due-respect",
        C,
        "en",
        phrases("with all due respect", "no offence, but", "no offense, but"),
        "It announces a put-down.",
        "I see it a little differently, and here is why",
    ),
    # ---- hiding behind policy or the system
    Rule(
        "due-to-policy",
        H,
        "en",
        r"(?:due\s+to|because\s+of|per|according\s+to|in\s+line\s+with)\s+(?:our\s+|company\s+|the\s+|internal\s+)?"
        r"(?:\w+\s+)?polic(?:y|ies),?\s+" + _WE_CANNOT,
        '"Policy" is a wall: say the real reason, and what we can do instead.',
        "we can't do that here, because [the reason] — here is what I can do instead:",
    ),
    Rule(
        "policy-does-not-allow",
        H,
        "en",
        r"(?:our|company|the)\s+(?:\w+\s+)?policy\s+(?:does\s+not|doesn['’]t|won['’]t|will\s+not|cannot|can['’]t)"
        r"\s+(?:allow|permit)|(?:it\s+is|it['’]s|this\s+is)\s+(?:against|not\s+within)\s+"
        r"(?:our\s+|company\s+|the\s+)?policy",
        "It hides the reason behind a rule the customer cannot see.",
        "we don't do that, because [the reason] — here is what I can do instead:",
    ),
    Rule(
        "nothing-we-can-do",
        H,
        "en",
        phrases(
            "there is nothing I can do",
            "there's nothing I can do",
            "there is nothing we can do",
            "there's nothing we can do",
            "nothing more can be done",
            "our hands are tied",
        ),
        "There is almost always something: say what it is.",
        "here is what I can do",
    ),
    Rule(
        "system-wont-let-me",
        H,
        "en",
        r"the\s+system\s+(?:does\s+not|doesn['’]t|won['’]t|will\s+not)\s+(?:allow|let)\s+(?:me|us)"
        r"|I['’]m\s+not\s+(?:allowed|authori[sz]ed|permitted)\s+to|I\s+am\s+not\s+(?:allowed|authori[sz]ed|permitted)\s+to",
        "Blaming the system or a rule above us leaves them with nowhere to go.",
        "I can't do that from here myself, but I'll ask someone who can",
    ),
    Rule(
        "for-security-reasons",
        H,
        "en",
        r"for\s+(?:security|compliance|legal|internal)\s+reasons,?\s+" + _WE_CANNOT,
        "A vague reason sounds like an excuse: say what it protects.",
        "to keep your account safe, we don't — here is what I can do instead:",
    ),
    # ---- jargon: our words, not theirs
    Rule(
        "support-ticket",
        J,
        "en",
        r"(?:support|help\s?desk|service)\s+ticket|ticket\s+(?:number|no\.|#|id)"
        r"|(?:raise|raised|open|opened|log|logged|create|created)\s+(?:a|an|your)\s+(?:new\s+)?ticket",
        '"Ticket" is our word for their problem.',
        "your request",
    ),
    Rule(
        "escalated-to-tier",
        J,
        "en",
        r"escalat(?:e|ed|ing)\s+(?:this\s+|it\s+|your\s+\w+\s+)?to\s+(?:our\s+)?(?:tier|level)\s+(?:[123]|one|two|three)"
        r"(?:\s+support)?|(?:tier|level)\s+(?:[123]|one|two|three)\s+(?:support|team|agents?)"
        r"|(?:second|third|2nd|3rd)[\s-]+line\s+(?:support|team)|L[123]\s+(?:support|team)",
        "Our org chart means nothing to them.",
        "a specialist colleague",
    ),
    Rule(
        "sla",
        J,
        "en",
        r"SLA|service[\s-]+level\s+agreement|turnaround\s+time|TAT",
        "An acronym from our contracts, not their life.",
        "the time we promise to answer in",
    ),
    Rule(
        "rma",
        J,
        "en",
        r"RMA(?:\s+number)?|return\s+merchandise\s+authori[sz]ation",
        "Warehouse jargon for a return.",
        "return",
    ),
    Rule(
        "end-user",
        J,
        "en",
        phrases("end user", "end-user", "end users"),
        'They are the person we are writing to: say "you".',
        "you",
    ),
    Rule(
        "revert-back",
        J,
        "en",
        phrases("revert back", "will revert", "I'll revert", "I shall revert", "we will revert"),
        "Office shorthand that reads stiff or unclear to many.",
        "I'll get back to you",
    ),
    Rule(
        "backend",
        J,
        "en",
        r"back[\s-]?end\s+(?:issue|problem|system|team|error)|(?:the\s+)?back[\s-]?office\s+team",
        "Our systems' names mean nothing to them.",
        "our systems",
    ),
    Rule(
        "per-our-records",
        J,
        "en",
        phrases("per our records", "according to our records", "our records indicate", "our records show"),
        "It sounds like a file is speaking, not a person who looked.",
        "I can see that",
    ),
    Rule(
        "please-find-attached",
        J,
        "en",
        phrases("please find attached", "please find enclosed", "PFA", "attached herewith"),
        "Letter-writing formula: say it as you would aloud.",
        "I've attached",
    ),
    Rule(
        "do-the-needful",
        J,
        "en",
        phrases("do the needful", "action this", "actioned"),
        "Office shorthand that reads unclear to many.",
        "take care of it",
    ),
)

GERMAN: tuple[Rule, ...] = (
    Rule(
        "de-unannehmlichkeiten",
        P,
        "de",
        r"(?:(?:wir\s+)?entschuldigen\s+(?:Sie|uns)|(?:wir\s+)?bitten\s+(?:Sie\s+)?um\s+Entschuldigung|"
        r"entschuldigung)\s+(?:für\s+)?(?:die|eventuelle|etwaige|alle)\s+(?:entstandenen\s+)?Unannehmlichkeiten",
        "Eine Floskel: sie klingt nach Pflicht, nicht nach Anteilnahme.",
        "es tut mir leid, dass Ihnen das Mühe gemacht hat – ich kümmere mich darum",
    ),
    Rule(
        "de-falsch-eingegeben",
        B,
        "de",
        r"Sie\s+haben\s+(?:die|Ihre|den|das)(?:\s+\w+){0,2}?\s+(?:falsch|fehlerhaft|nicht\s+korrekt)\s+"
        r"(?:eingegeben|angegeben|ausgefüllt)",
        "Es gibt dem Kunden die Schuld, obwohl er Hilfe sucht.",
        "es sieht so aus, als müssten die Angaben korrigiert werden – ich erledige das für Sie",
    ),
    Rule(
        "de-richtlinien",
        H,
        "de",
        r"(?:aus\s+(?:Richtlinien|Datenschutz|rechtlichen|internen|Sicherheits)gründen|laut\s+unseren?\s+Richtlinien?|"
        r"gemäß\s+unseren?\s+Richtlinien?),?\s+(?:können|dürfen)\s+wir\s+(?:leider\s+)?(?:nicht|kein)",
        "Die Richtlinie wird zur Mauer: nennen Sie den Grund und was wir tun können.",
        "das können wir nicht, weil [der Grund] – stattdessen kann ich Folgendes tun:",
    ),
    Rule(
        "de-wie-bereits-erwaehnt",
        C,
        "de",
        phrases(
            "wie bereits erwähnt",
            "wie bereits mitgeteilt",
            "wie bereits gesagt",
            "wie schon gesagt",
            "wie in meiner letzten E-Mail",
        ),
        'Es klingt nach "Sie hätten zuhören sollen".',
        "kurz zusammengefasst",
    ),
    Rule(
        "de-sehr-geehrte-damen",
        C,
        "de",
        phrases("Sehr geehrte Damen und Herren", "Sehr geehrter Kunde", "Sehr geehrte Kundin"),
        "Eine Anrede für Unbekannte: wir kennen den Namen.",
        "Guten Tag",
    ),
    Rule(
        "de-ticket",
        J,
        "de",
        r"(?:Ihr|Ihres|das|ein|Support-?)\s*Ticket(?:nummer)?|Ticketnummer",
        '"Ticket" ist unser Wort, nicht das des Kunden.',
        "Ihre Anfrage",
    ),
)

FRENCH: tuple[Rule, ...] = (
    Rule(
        "fr-gene-occasionnee",
        P,
        "fr",
        r"(?:nous\s+nous\s+excusons|veuillez\s+(?:nous\s+)?excuser|(?:nous\s+sommes\s+)?désolée?s?)\s+(?:pour|de)\s+"
        r"(?:la\s+gêne|le\s+désagrément|les\s+désagréments|tout\s+désagrément|ce\s+désagrément)"
        r"(?:\s+occasionnée?s?)?",
        "Une formule toute faite : elle sonne creux.",
        "je suis désolé que cela vous ait compliqué la vie — je m'en occupe",
    ),
    Rule(
        "fr-mal-saisi",
        B,
        "fr",
        r"vous\s+avez\s+mal\s+(?:saisi|rempli|renseigné|indiqué)",
        "Cela rejette la faute sur le client, qui vient chercher de l'aide.",
        "il semble que les informations doivent être corrigées — je m'en occupe pour vous",
    ),
    Rule(
        "fr-politique",
        H,
        "fr",
        r"(?:conformément\s+à|selon|en\s+raison\s+de)\s+(?:notre|la)\s+politique(?:\s+\w+){0,3}?,?\s+nous\s+ne\s+"
        r"(?:pouvons|sommes)",
        "La politique devient un mur : dites la vraie raison et ce que nous pouvons faire.",
        "nous ne pouvons pas le faire, parce que [la raison] — voici ce que je peux faire :",
    ),
    Rule(
        "fr-comme-indique",
        C,
        "fr",
        r"comme\s+(?:déjà\s+)?(?:indiqué|mentionné|précisé|dit)\s+(?:précédemment|auparavant|plus\s+haut|"
        r"dans\s+mon\s+(?:dernier|précédent)\s+(?:e-?mail|message|courriel))",
        "Cela sonne comme « vous auriez dû lire ».",
        "pour résumer",
    ),
    Rule(
        "fr-madame-monsieur",
        C,
        "fr",
        phrases("Madame, Monsieur", "Cher client", "Chère cliente"),
        "Une formule pour un inconnu : nous connaissons son nom.",
        "Bonjour",
    ),
    Rule(
        "fr-ticket",
        J,
        "fr",
        r"(?:votre|le|un)\s+ticket(?:\s+(?:de\s+)?support)?|numéro\s+de\s+ticket",
        "« Ticket » est notre mot, pas celui du client.",
        "votre demande",
    ),
)

SPANISH: tuple[Rule, ...] = (
    Rule(
        "es-molestias",
        P,
        "es",
        r"(?:disculpe|disculpen|sentimos|lamentamos|perdone|perdón\s+por)\s+(?:las|cualquier|los)\s+"
        r"(?:molestias?|inconvenientes?)(?:\s+ocasionad[oa]s?)?",
        "Una fórmula hecha: suena a trámite, no a empatía.",
        "siento que esto le haya complicado las cosas; me encargo yo",
    ),
    Rule(
        "es-datos-mal",
        B,
        "es",
        r"(?:usted\s+)?(?:introdujo|ingresó|escribió|puso|rellenó)\s+(?:mal\s+(?:sus|los)\s+datos|"
        r"(?:sus|los)\s+datos\s+(?:mal|incorrectamente))",
        "Culpa al cliente, que viene a pedir ayuda.",
        "parece que hay que corregir los datos; lo arreglo yo",
    ),
    Rule(
        "es-politica",
        H,
        "es",
        r"(?:por|según|debido\s+a)\s+(?:nuestra|la)\s+política(?:\s+de\s+la\s+empresa)?,?\s+no\s+(?:podemos|es\s+posible)",
        "La política se vuelve un muro: diga el motivo real y qué podemos hacer.",
        "no podemos hacerlo porque [el motivo]; esto es lo que sí puedo hacer:",
    ),
    Rule(
        "es-como-indique",
        C,
        "es",
        r"como\s+(?:ya\s+)?(?:le\s+)?(?:indiqué|mencioné|dije|comenté)\s+(?:anteriormente|antes|"
        r"en\s+mi\s+(?:último|anterior)\s+(?:correo|mensaje))",
        'Suena a "debería haber leído".',
        "en resumen",
    ),
    Rule(
        "es-estimado-cliente",
        C,
        "es",
        phrases("Estimado cliente", "Estimada clienta", "A quien corresponda"),
        "Un saludo para un desconocido: sabemos su nombre.",
        "Hola",
    ),
    Rule(
        "es-ticket",
        J,
        "es",
        r"(?:su|el|un)\s+ticket(?:\s+de\s+soporte)?|número\s+de\s+ticket",
        '"Ticket" es nuestra palabra, no la del cliente.',
        "su solicitud",
    ),
)

BUILT_IN: tuple[Rule, ...] = ENGLISH + GERMAN + FRENCH + SPANISH
BY_SLUG = {rule.slug: rule for rule in BUILT_IN}
