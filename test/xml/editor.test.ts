import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OperationError } from '../../src/core/errors.ts';
import {
  find,
  findAll,
  findCommented,
  insertChild,
  parseXml,
  removeAttr,
  removeElement,
  replaceElement,
  setAttr,
  uncomment,
} from '../../src/xml/index.ts';

const FIX = new URL('../fixtures/tomcat/', import.meta.url).pathname;
const serverXml = readFileSync(FIX + 'server-10.1.xml', 'utf8');

function parseError(text: string): OperationError {
  try {
    parseXml(text, 'conf/server.xml');
  } catch (e) {
    return e as OperationError;
  }
  throw new Error('no error');
}

describe('parseXml', () => {
  it('round-trips the real Tomcat files byte for byte', () => {
    for (const f of ['server-10.1.xml', 'conf-web.xml']) {
      const text = readFileSync(FIX + f, 'utf8');
      expect(parseXml(text, f).serialize()).toBe(text);
    }
  });

  it('reports a mismatched closing tag with file, line and column', () => {
    const e = parseError('<Server>\n  <Service>\n  </Servic>\n</Server>\n');
    expect(e).toBeInstanceOf(OperationError);
    expect(e.pos).toEqual({ file: 'conf/server.xml', line: 3, column: 5 });
    expect(e.message).toMatch(/conf\/server\.xml:3:5: .*<\/Servic> closes <Service>/);
    expect(e.hint).toMatch(/line 3/);
  });

  it('reports an unterminated attribute and an unclosed element', () => {
    // The value runs on to the next `<`, which a value may not hold: that is where the parser stops.
    const unterminated = parseError('<a>\n<b x="1></a>');
    expect(unterminated.pos).toMatchObject({ line: 2, column: 9 });
    expect(unterminated.message).toMatch(/`<` is not allowed in an attribute value/);
    expect(parseError('<a>\n  <b>\n').message).toMatch(/end of file/);
    expect(parseError('<a x="1" x="2"/>').message).toMatch(/duplicate attribute x/);
  });
});

describe('find', () => {
  it('matches predicates whose values contain slashes', () => {
    const doc = parseXml('<S><C protocol="AJP/1.3" port="8009"/><C protocol=\'HTTP/1.1\' port="8080"/></S>', 'x.xml');
    expect(find(doc, 'S/C[@protocol="AJP/1.3"]')?.attr('port')).toBe('8009');
    expect(find(doc, "S/C[@protocol='HTTP/1.1'][@port]")?.attr('port')).toBe('8080');
    expect(findAll(doc, 'S/C')).toHaveLength(2);
    expect(find(doc, 'Other/C')).toBeUndefined();
  });

  it('decodes entities in attribute values', () => {
    const doc = parseXml(serverXml, 'server.xml');
    expect(find(doc, 'Server/Service/Engine/Host/Valve')?.attr('pattern')).toBe('%h %l %u %t "%r" %s %b');
  });
});

describe('setAttr / removeAttr', () => {
  it('edits a value in place keeping its quotes, and escapes', () => {
    const doc = parseXml('<a  x=\'1\'\n   y="2" />', 'a.xml');
    setAttr(doc.root(), 'x', `it's <&>`);
    expect(doc.serialize()).toBe('<a  x=\'it&apos;s &lt;&amp;&gt;\'\n   y="2" />');
    expect(doc.root().attr('x')).toBe(`it's <&>`);
  });

  it('appends on its own aligned line when the tag has one attribute per line', () => {
    const doc = parseXml(serverXml, 'server.xml');
    setAttr(find(doc, 'Server/Service/Connector')!, 'secret', 'a"b');
    expect(doc.serialize()).toContain('maxParameterCount="1000"\n               secret="a&quot;b"\n               />');
  });

  it('reads every way a tag may be written: spaces around =, a prefix, a value holding > and quotes', () => {
    const text = '<?xml version="1.0"?>\n<!DOCTYPE s>\n<ns:s a = "x>y" b=\'say "hi"\'\n\tc="&lt;"><t/><u ></u ></ns:s >\n';
    const doc = parseXml(text, 's.xml');
    expect(doc.root().name).toBe('s');
    expect(doc.root().attrs()).toEqual({ a: 'x>y', b: 'say "hi"', c: '<' });
    expect(
      doc
        .root()
        .children()
        .map((c) => c.source()),
    ).toEqual(['<t/>', '<u ></u >']);
    setAttr(doc.root(), 'b', 'z');
    removeAttr(doc.root(), 'a');
    setAttr(find(doc, 's/u')!, 'v', '1');
    insertChild(find(doc, 's/u')!, '<w/>');
    expect(doc.serialize()).toBe(
      '<?xml version="1.0"?>\n<!DOCTYPE s>\n<ns:s b=\'z\'\n\tc="&lt;"><t/><u v="1" >\n\t  <w/>\n\t</u ></ns:s >\n',
    );
  });

  it('appends inline on a one-line tag, and removes with the whitespace before', () => {
    const doc = parseXml('<Engine name="Catalina" defaultHost="localhost"/>', 'e.xml');
    setAttr(doc.root(), 'jvmRoute', 'tomcat1');
    expect(doc.serialize()).toBe('<Engine name="Catalina" defaultHost="localhost" jvmRoute="tomcat1"/>');
    setAttr(doc.root(), 'jvmRoute', 'tomcat1');
    removeAttr(doc.root(), 'defaultHost');
    expect(doc.serialize()).toBe('<Engine name="Catalina" jvmRoute="tomcat1"/>');
  });
});

describe('insertChild / replaceElement / removeElement', () => {
  it('infers indentation from siblings and keeps CRLF', () => {
    const doc = parseXml('<a>\r\n    <b/>\r\n</a>\r\n', 'a.xml');
    insertChild(doc.root(), '<c>\n  <d/>\n</c>');
    expect(doc.serialize()).toBe('<a>\r\n    <b/>\r\n    <c>\r\n      <d/>\r\n    </c>\r\n</a>\r\n');
  });

  it('opens a self-closing parent, inferring the indent unit from the document', () => {
    const doc = parseXml('<r>\n\t<p/>\n</r>\n', 'r.xml');
    const c = insertChild(find(doc, 'r/p')!, '<c/>');
    expect(doc.serialize()).toBe('<r>\n\t<p>\n\t\t<c/>\n\t</p>\n</r>\n');
    expect(c.name).toBe('c');
  });

  it('replaces and removes whole lines', () => {
    const doc = parseXml('<r>\n  <a/>\n  <b x="1"/>\n</r>\n', 'r.xml');
    replaceElement(find(doc, 'r/b')!, '<b>\n  <c/>\n</b>');
    removeElement(find(doc, 'r/a')!);
    expect(doc.serialize()).toBe('<r>\n  <b>\n    <c/>\n  </b>\n</r>\n');
  });
});

describe('commented-out elements', () => {
  it('finds and uncomments the AJP connector Tomcat 10.1 ships', () => {
    const doc = parseXml(serverXml, 'server.xml');
    const found = findCommented(doc, 'Server/Service/Connector[@protocol="AJP/1.3"]');
    expect(found).toHaveLength(1);
    expect(found[0]!.attrs).toMatchObject({ address: '::1', port: '8009' });
    const el = uncomment(found[0]!);
    expect(el.attr('port')).toBe('8009');
    const out = doc.serialize();
    expect(out).toContain(
      '    <!-- Define an AJP 1.3 Connector on port 8009 -->\n    <Connector protocol="AJP/1.3"\n               address="::1"',
    );
    expect(out.split('\n').length).toBe(serverXml.split('\n').length - 2);
  });

  it('ignores comments that mix prose and markup', () => {
    const doc = parseXml(serverXml, 'server.xml');
    // "Security listener. Documentation at …" comment holds a Listener after prose.
    const listeners = findCommented(doc, 'Server/Listener').map((c) => c.attrs.className);
    expect(listeners).toEqual(['org.apache.catalina.core.OpenSSLLifecycleListener']);
    expect(findCommented(doc, 'Server/Service/Engine/Cluster')).toHaveLength(1);
  });
});
