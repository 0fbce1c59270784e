// A small lint of the browser UI's sources for what would turn data into HTML or script:
// HTML sinks (innerHTML and friends), Leaflet content given as a string (Leaflet writes
// strings with innerHTML), handlers and styles as strings, javascript: URLs, eval, and
// inline script, style or handlers in the HTML (the Content-Security-Policy refuses those).
// Run by the browser tests; on its own: node tests/ui/lint.mjs [web/ui/src]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

// [pattern, why] for JavaScript; patterns see the source with comments blanked.
const JS_RULES = [
  [/\.(?:innerHTML|outerHTML)\b/, 'innerHTML/outerHTML parse HTML: build nodes with h()'],
  [/\binsertAdjacentHTML\b|\bcreateContextualFragment\b|\bDOMParser\b|\bparseHTMLUnsafe\b|\bsetHTMLUnsafe\b/, 'parses HTML: build nodes with h()'],
  [/\bdocument\.(?:write|writeln)\s*\(/, 'document.write parses HTML'],
  [/\.srcdoc\b|\bsrcdoc\s*:/, 'srcdoc is HTML'],
  [/\b(?:eval|Function)\s*\(|\bnew\s+Function\b|\bset(?:Timeout|Interval)\s*\(\s*[`'"]/, 'code from a string (and refused by the policy)'],
  [/javascript:/i, 'a javascript: URL'],
  [/\.setAttribute\(\s*[`'"](?:on\w*|style|srcdoc)[`'"]/i, 'handlers and styles as attributes are refused by the policy: use functions and the CSSOM'],
  [/\.style\s*=\s*[^=]|\.cssText\s*=/, 'a style as a string: set style properties one by one'],
  [/\b(?:on\w+)\s*:\s*[`'"]/, 'an event handler as a string'],
  [/\bstyle\s*:\s*[`'"]/, 'a style attribute as a string (refused by the policy): pass an object'],
];

// Leaflet calls whose content may be HTML: the argument must be a node built with h() (or
// a helper returning one), never a string.
const LEAFLET_CONTENT = /\.(bindTooltip|bindPopup|setTooltipContent|setPopupContent|setContent|setPrefix|addAttribution)\s*\(\s*/g;
const NODE_ARGUMENT = /^(?:h\(|labelBox\(|[a-zA-Z_$][\w$]*(?:Node|El|Box)\b)/;
const DIV_ICON_HTML = /\bhtml\s*:\s*(?=\S)(?!content\b|false\b|null\b|h\()/;

const HTML_RULES = [
  [/<script\b(?![^>]*\bsrc=)[^>]*>/i, 'an inline script (refused by the policy)'],
  [/<style\b/i, 'an inline style sheet (refused by the policy)'],
  [/\sstyle\s*=/i, 'a style attribute (refused by the policy)'],
  [/\son[a-z]+\s*=/i, 'an inline event handler (refused by the policy)'],
  [/javascript:/i, 'a javascript: URL'],
];

// Comments blanked (kept as spaces so that line numbers stay), strings kept.
function stripComments(src) {
  return src.replace(/\/\*[\s\S]*?\*\/|(^|[^:\\'"`])\/\/[^\n]*/g, (m, pre = '') => pre + m.slice(pre.length).replace(/[^\n]/g, ' '));
}

const lineOf = (src, index) => src.slice(0, index).split('\n').length;

export function lintUi(srcDir = path.resolve(here, '..', '..', 'web/ui/src')) {
  const problems = [];
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (e.name === 'vendor' ? [] : walk(path.join(dir, e.name))) : [path.join(dir, e.name)]);
  for (const file of walk(srcDir)) {
    const rel = path.relative(srcDir, file);
    const raw = fs.readFileSync(file, 'utf8');
    if (file.endsWith('.js') || file.endsWith('.mjs')) {
      const src = stripComments(raw);
      src.split('\n').forEach((line, i) => {
        for (const [re, why] of JS_RULES) if (re.test(line)) problems.push(`${rel}:${i + 1}: ${why}: ${line.trim()}`);
      });
      for (const m of src.matchAll(LEAFLET_CONTENT)) {
        const arg = src.slice(m.index + m[0].length, m.index + m[0].length + 80);
        if (!NODE_ARGUMENT.test(arg)) problems.push(`${rel}:${lineOf(src, m.index)}: ${m[1]} takes HTML from a string: pass a node built with h()`);
      }
      for (const m of src.matchAll(/\bdivIcon\s*\(([^)]*)\)/g)) {
        if (DIV_ICON_HTML.test(m[1])) problems.push(`${rel}:${lineOf(src, m.index)}: divIcon html must be a node`);
      }
    } else if (file.endsWith('.html')) {
      raw.split('\n').forEach((line, i) => {
        for (const [re, why] of HTML_RULES) if (re.test(line)) problems.push(`${rel}:${i + 1}: ${why}: ${line.trim()}`);
      });
    }
  }
  return problems;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const problems = lintUi(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  for (const p of problems) console.error(p);
  console.log(problems.length ? `${problems.length} problem(s)` : 'the UI sources build no HTML from strings');
  process.exit(problems.length ? 1 : 0);
}
