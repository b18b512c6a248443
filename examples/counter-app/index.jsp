<%@ page contentType="application/json; charset=UTF-8" session="true" %><%
  // A session counter for the cluster tests: the Integer is set again on every request so
  // DeltaManager replicates it; the route is the session id suffix (".tomcat1") that jvmRoute adds.
  // ?read=1 only reads the count (provision verify reads a session on every other instance).
  // The version lives in this one JSP line, so a deploy that leaves a stale compiled JSP behind shows.
  String version = "1"; // APP-VERSION (test/helpers/apps.ts rewrites this line)
  boolean readOnly = request.getParameter("read") != null;
  Integer count = (Integer) session.getAttribute("count");
  if (!readOnly) {
    count = (count == null) ? Integer.valueOf(1) : Integer.valueOf(count.intValue() + 1);
    session.setAttribute("count", count);
  }
  String id = session.getId();
  int dot = id.indexOf(".");
  String route = dot >= 0 ? id.substring(dot + 1) : "";
  response.setHeader("Cache-Control", "no-store");
  out.print("{\"count\":" + (count == null ? 0 : count.intValue()) + ",\"route\":\"" + route + "\",\"sessionId\":\"" + id + "\",\"new\":" + session.isNew() + ",\"version\":\"" + version + "\"}\n");
%>
