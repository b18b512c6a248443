/** `<distributable/>` in a web.xml, placed where every schema version accepts it. */
import { OperationError } from '../../core/errors.ts';
import { find, insertChild, parseXml } from '../../xml/index.ts';

/** Elements that may precede <distributable> (Servlet 2.3 DTD order: icon, display-name, description). */
const HEAD = new Set(['icon', 'display-name', 'description']);

/** Does this web.xml mark the application distributable? */
export function isDistributable(text: string, file: string): boolean {
  return !!find(parseXml(text, file), 'web-app/distributable');
}

/** web.xml text with `<distributable/>`; unchanged text when it is already there. */
export function ensureDistributable(text: string, file: string): string {
  const doc = parseXml(text, file);
  const app = doc.root();
  if (app.name !== 'web-app') {
    throw new OperationError(`${file}: root element is <${app.name}>, not <web-app>`, {
      hint: "point at the application's WEB-INF/web.xml",
    });
  }
  if (find(app, 'distributable')) return text;
  const kids = app.children();
  let lastHead = -1;
  while (lastHead + 1 < kids.length && HEAD.has(kids[lastHead + 1]!.name)) lastHead++;
  const anchor = kids[lastHead];
  insertChild(app, '<distributable/>', anchor ? { after: anchor } : 'first');
  return doc.serialize();
}

/** A minimal Servlet 3.0 web.xml (accepted by Tomcat 7 through 11) marked distributable. */
export const MINIMAL_DISTRIBUTABLE_WEB_XML = `<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="http://java.sun.com/xml/ns/javaee"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://java.sun.com/xml/ns/javaee http://java.sun.com/xml/ns/javaee/web-app_3_0.xsd"
         version="3.0">
  <distributable/>
</web-app>
`;
