/** JSON schemas of the Tomcat operations' arguments (ajv checks them before anything runs). */
import { secret } from '../kit.ts';

const port = { type: 'integer', minimum: -1, maximum: 65535 };
const str = { type: 'string', minLength: 1 };
const abs = { type: 'string', minLength: 1, pattern: '^/' };
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

export const ajpSchema = obj({ port, secret: secret(str), secretRequired: { type: 'boolean' }, address: str });
export const portsSchema = obj({
  shutdown: port,
  http: port,
  redirect: port,
  ajp: port,
  offset: { type: 'integer', minimum: -1000, maximum: 1000 },
});
const version = { anyOf: [{ type: 'string', minLength: 1 }, { type: 'number' }] };

export const clusterSchema = obj({
  name: str,
  channelSendOptions: { type: 'integer' },
  manager: { enum: ['DeltaManager', 'BackupManager'] },
  membership: obj({ address: str, port, frequency: { type: 'integer' }, dropTime: { type: 'integer' }, bind: str }),
  members: {
    type: 'array',
    minItems: 1,
    items: obj({ host: str, port, uniqueId: { type: 'string', pattern: '^\\{(\\d+,){15}\\d+\\}$' } }, ['host', 'port']),
  },
  receiver: obj({
    address: str,
    port,
    autoBind: { type: 'integer' },
    selectorTimeout: { type: 'integer' },
    maxThreads: { type: 'integer' },
  }),
  farmDeployer: { type: 'boolean' },
});

export const instanceSchema = obj(
  {
    source: abs,
    dest: abs,
    ports: portsSchema,
    ajp: ajpSchema,
    jvmRoute: str,
    env: { enum: ['catalina.sh', 'setenv.sh', 'none'] },
    version,
  },
  ['source'],
);

const instanceRef = { anyOf: [abs, obj({ home: abs, jvmRoute: str, receiverPort: port, receiverAddress: str })] };

export const clusterOpSchema = obj({
  instances: { type: 'array', items: instanceRef },
  instancesVar: str,
  cluster: clusterSchema,
  version,
});

export const warSchema = obj(
  {
    src: str,
    name: { type: 'string', pattern: '^[^/]+\\.war$' },
    instances: { type: 'array', items: instanceRef },
    instancesVar: str,
    distributable: { type: 'boolean' },
    ownManager: { type: 'boolean' },
    owner: str,
    group: str,
  },
  ['src'],
);
