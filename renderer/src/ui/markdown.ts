// The agent's report is untrusted text: rendered with raw HTML off, links limited to http(s), no
// images (a remote image would be a tracking pixel and the CSP blocks it anyway).
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false });
md.disable(['image']);
md.validateLink = (url: string) => /^https?:\/\//i.test(url.trim());

const defaultLinkOpen =
  md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const token = tokens[idx]!;
  token.attrSet('target', '_blank');
  token.attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

/** HTML safe to assign to innerHTML: every tag in it was produced by markdown-it itself. */
export function renderMarkdown(source: string): string {
  return md.render(source);
}
