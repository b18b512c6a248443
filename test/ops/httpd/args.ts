import type { HttpdBalancerArgs } from '../../../src/ops/httpd/balancer.ts';

/** The recipe: two Tomcats on the Apache host, AJP on 8009/8010, routes tomcat1/tomcat2. */
export const recipeArgs: HttpdBalancerArgs = {
  name: 'tomcats',
  members: [
    { host: '127.0.0.1', port: 8009, route: 'tomcat1', secret: 's3cr3t-ajp' },
    { host: '127.0.0.1', port: 8010, route: 'tomcat2', secret: 's3cr3t-ajp' },
  ],
};
