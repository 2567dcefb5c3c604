/**
 * Hides credentials in text about to be shown (error messages, banners): the password of any
 * `scheme://user:password@host` URL, and `password=` query parameters. Start-up errors end up in
 * terminals, CI logs and issue reports, where a database or Redis password must not follow them.
 */
export function redactSecrets(text: string): string {
  return text.replace(/[^\s"'<>]+/g, redactToken).replace(/([?&](?:password|pass|pwd|secret|token)=)[^&\s"'#]*/gi, '$1***');
}

/**
 * Works on the mistyped URLs a config error echoes too ("postgress://", "redis:/:pw@", "pg//u:pw@"),
 * which a URL parser would refuse: the password is whatever lies between the first ":" of the user
 * info and the last "@" (a password may itself contain an unencoded "@"). When a later "@" sits in a
 * query string, the host is hidden as well: that errs on the safe side.
 */
function redactToken(token: string): string {
  const at = token.lastIndexOf('@');
  if (at < 0) return token;
  const slashes = token.indexOf('//');
  const start = slashes >= 0 && slashes < at ? slashes + 2 : 0;
  const colon = token.indexOf(':', start);
  if (colon < 0 || colon > at) return token;
  return `${token.slice(0, colon)}:***${token.slice(at)}`;
}
