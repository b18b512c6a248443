/** What an HTTP status seen by `provision verify` most likely means, and what to do. */

/** A status of the page through Apache. */
export function apacheReason(status: number): string {
  if (status === 0) return 'no HTTP answer from Apache';
  if (status === 403)
    return (
      "HTTP 403 through Apache: most often Tomcat refusing Apache's AJP requests because the AJP secret differs " +
      '(BalancerMember secret= in Apache, secret= on the AJP connector): rerun provision with one tomcat_ajp_secret'
    );
  if (status === 404) return 'HTTP 404 through Apache: nothing is deployed at that path (check app_name, or give --url)';
  if (status === 503)
    return 'HTTP 503 through Apache: no balancer member answered (every Tomcat down, out of the balancer, or its AJP port closed)';
  if (status >= 500) return `HTTP ${status} through Apache: the application or a Tomcat failed (see the instances' catalina.out)`;
  return `HTTP ${status} through Apache`;
}

/** A status of the page asked of one instance directly. */
export function instanceReason(status: number, path: string): string {
  if (status === 0) return `no HTTP answer on ${path} (not running, or its HTTP port is not the one in tomcat_instances)`;
  if (status === 404) return `HTTP 404 on ${path}: the application is not deployed in this instance`;
  return `HTTP ${status} on ${path}`;
}
