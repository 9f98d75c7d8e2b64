"""Known cross-site scripting vectors, as someone would type them into a comment.

Most come from the OWASP XSS Filter Evasion Cheat Sheet
(https://cheatsheetseries.owasp.org/cheatsheets/XSS_Filter_Evasion_Cheat_Sheet.html), the rest
from Markdown renderers' published XSS bugs (links and autolinks with obfuscated schemes,
attribute injection through URLs and titles) and mutation XSS write-ups (svg, math, noscript).
Unit tests render each; functional tests post some through the form; hypothesis mixes
``FRAGMENTS`` with arbitrary text, in unit tests and in the fuzz test of the whole app.
"""

# fmt: off
HTML_VECTORS = [
    # Script tags, plain and disguised.
    "<script>alert('XSS')</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    '<SCRIPT/XSS SRC="http://xss.example/xss.js"></SCRIPT>',
    '<<SCRIPT>alert("XSS");//\\<</SCRIPT>',
    "<SCRIPT SRC=http://xss.example/xss.js?< B >",
    '</TITLE><SCRIPT>alert("XSS");</SCRIPT>',
    "<scr<script>ipt>alert(1)</script>",
    '"><script>alert(1)</script>',
    "</textarea><script>alert(1)</script>",
    "<template><script>alert(1)</script></template>",
    "'';!--\"<XSS>=&{()}",
    # Images and other tags with javascript: URLs, in every disguise.
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<IMG SRC=`javascript:alert(\"RSnake says, 'XSS'\")`>",
    "<IMG SRC=javascript:alert(String.fromCharCode(88,83,83))>",
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;"
    "&#97;&#108;&#101;&#114;&#116;&#40;&#39;&#88;&#83;&#83;&#39;&#41;>",
    "<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116"
    "&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083"
    "&#0000039&#0000041>",
    "<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27"
    "&#x58&#x53&#x53&#x27&#x29>",
    "<IMG SRC=\"jav\tascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0A;ascript:alert('XSS');\">",
    "<IMG SRC=\" &#14;  javascript:alert('XSS');\">",
    "<INPUT TYPE=\"IMAGE\" SRC=\"javascript:alert('XSS');\">",
    "<BODY BACKGROUND=\"javascript:alert('XSS')\">",
    "<BGSOUND SRC=\"javascript:alert('XSS');\">",
    "<LINK REL=\"stylesheet\" HREF=\"javascript:alert('XSS');\">",
    "<TABLE BACKGROUND=\"javascript:alert('XSS')\">",
    "<BASE HREF=\"javascript:alert('XSS');//\">",
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<form><button formaction=javascript:alert(1)>X</button></form>',
    # Event handlers.
    '<a onmouseover="alert(document.cookie)">xxs link</a>',
    "<IMG SRC=# onmouseover=\"alert('xxs')\">",
    '<IMG SRC=/ onerror="alert(String.fromCharCode(88,83,83))"></img>',
    '<img src=x onerror="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112'
    '&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083'
    '&#0000083&#0000039&#0000041">',
    '<IMG """><SCRIPT>alert("XSS")</SCRIPT>"\\>',
    '<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert("XSS")>',
    "<svg/onload=alert('XSS')>",
    "<details open ontoggle=alert(1)>",
    "<input onfocus=alert(1) autofocus>",
    '<video><source onerror="alert(1)">',
    "<body onload=alert(1)>",
    '<x style="behavior:url(#default#time2)" onbegin="alert(1)">',
    # Style.
    "<STYLE>@import'http://xss.example/xss.css';</STYLE>",
    '<STYLE>BODY{-moz-binding:url("http://xss.example/xssmoz.xml#xss")}</STYLE>',
    "<IMG STYLE=\"xss:expr/*XSS*/ession(alert('XSS'))\">",
    "<DIV STYLE=\"background-image: url(javascript:alert('XSS'))\">",
    "<DIV STYLE=\"width: expression(alert('XSS'));\">",
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">covers the page</p>',
    # Frames, objects, meta refresh.
    "<IFRAME SRC=\"javascript:alert('XSS');\"></IFRAME>",
    '<IFRAME SRC=# onmouseover="alert(document.cookie)"></IFRAME>',
    "<FRAMESET><FRAME SRC=\"javascript:alert('XSS');\"></FRAMESET>",
    '<OBJECT TYPE="text/x-scriptlet" DATA="http://xss.example/scriptlet.html"></OBJECT>',
    '<object data="javascript:alert(1)">',
    '<EMBED SRC="data:image/svg+xml;base64,'
    'PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIG9ubG9hZD0iYWxlcnQoMSkiLz4="'
    ' type="image/svg+xml" AllowScriptAccess="always"></EMBED>',
    "<META HTTP-EQUIV=\"refresh\" CONTENT=\"0;url=javascript:alert('XSS');\">",
    '<META HTTP-EQUIV="refresh" CONTENT="0;url=data:text/html base64,'
    'PHNjcmlwdD5hbGVydCgnWFNTJyk8L3NjcmlwdD4K">',
    '<META HTTP-EQUIV="Link" Content="<http://xss.example/xss.css>; REL=stylesheet">',
    # SVG and MathML, and mutation XSS.
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    '<math href="javascript:alert(1)">CLICK</math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    # Unclosed tags.
    "<img src=x onerror=alert(1)//",
    '<a href="javascript:alert(1)',
    "<iframe src=javascript:alert(1)",
    # A polyglot.
    "javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+"
    "alert(1)//'>",
]

MARKDOWN_VECTORS = [
    # Links whose scheme runs code, in every case, spacing and encoding.
    "[a](javascript:alert(1))",
    "[a](JaVaScRiPt:alert(1))",
    "[a](javascript&#58;alert(1))",
    "[a](javascript&colon;alert(1))",
    "[a](&#106;avascript:alert(1))",
    "[a](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;"
    "&#x70;&#x74;&#x3A;alert(1))",
    "[a](&#0000106&#0000097vascript:alert(1))",
    "[a](java&#115;cript:alert(1))",
    "[a](java%73cript:alert(1))",
    "[a](javascript%3Aalert(1))",
    "[a](&#x09;javascript:alert(1))",
    "[a](ja&#x0A;vascript:alert(1))",
    "[a](<java\tscript:alert(1)>)",
    "[a](<javascript:alert(1)>)",
    "[a]( javascript:alert(1) )",
    "[a](\x01javascript:alert(1))",
    "[a](java\\script:alert(1))",
    "[a](javascript:alert(1) \"title\")",
    "[a](javascript:alert&#40;1&#41;)",
    "[a](vbscript:msgbox(1))",
    "[a](VBScript:msgbox(1))",
    "[a](data:text/html;base64,"
    "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[a](DATA:text/html,<script>alert(1)</script>)",
    "[a](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[a](data:image/png;base64,iVBORw0KGgo=)",
    # Autolinks.
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<javascript&#58;alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,alert(1)>",
    '<a@b.c?subject=x" onclick="alert(1)>',
    # Breaking out of the href or title attribute.
    '[a](https://example.com" onmouseover="alert(1))',
    "[a](https://example.com'onmouseover='alert(1))",
    '[a](<https://example.com> "x" onclick="alert(1)")',
    '[a](mailto:x@example.com" onclick="alert(1))',
    "[a](https://example.com/\"><script>alert(1)</script>)",
    '[a](https://example.com "title\\" style=\\"color:red")',
    # Nested and reference links, images.
    "[[a](javascript:alert(1))](https://example.com)",
    "[a](https://example.com)(javascript:alert(1))",
    "[<img src=x onerror=alert(1)>](https://example.com)",
    "[a][x]\n\n[x]: javascript:alert(1)",
    "![a](javascript:alert(1))",
    '![a](x" onerror="alert(1))',
    "![a](https://example.com/tracker.png)",
    "[a](`javascript:alert(1)`)",
    "[a](javascript:alert(1)",
    # Raw HTML inside Markdown constructs.
    "`<script>alert(1)</script>`",
    "```\"><img src=x onerror=alert(1)>\ncode\n```",
    "> <script>alert(1)</script>",
    "- <iframe src=javascript:alert(1)>",
    "*<img src=x onerror=alert(1)>*",
    "_<svg onload=alert(1)>_",
    "1. <a href=\"javascript:alert(1)\">x</a>",
    "**<style>*{display:none}</style>**",
]
# fmt: on

ALL = HTML_VECTORS + MARKDOWN_VECTORS

#: Pieces of Markdown and of known attacks, for hypothesis to mix with arbitrary text.
FRAGMENTS = [
    "[", "]", "(", ")", "](", "<", ">", "`", "```", "*", "_", "**", "\\", "!", '"', "'", "&", "#", ";",
    "\n", "\n\n", "\t", " ", "    ", "> ", "- ", "1. ", "0) ",
    "http://", "https://example.com", "mailto:", "//", "javascript:", "JaVaScRiPt:", "vbscript:",
    "data:text/html,", "data:image/png;base64,", "java\tscript:", "&#106;", "&#x6A;", "&colon;", "&#58;",
    "%6A", "\x01", "\u00a0", "<script>", "</script>", "<img src=x ", "onerror=alert(1)", " onclick=",
    "style=", "<svg onload=alert(1)>", "<a href=", "</a>", "<!--", "-->", "<style>", "<iframe ",
]  # fmt: skip
