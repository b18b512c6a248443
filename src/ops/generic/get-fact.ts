/**
 * Typed reads of declared facts. `fact.*` constructors return the wide `FactRequest`, so reading
 * through them would give a union; these narrow the request so `plan` gets the right fact type.
 */
import {
  fact,
  type CommandFact,
  type FactRequest,
  type Facts,
  type FileFact,
  type FirewallFact,
  type OsFact,
  type PackageFact,
  type ServiceFact,
} from '../../facts/types.ts';
import { fileFact } from '../kit.ts';

type Req<T extends FactRequest['type']> = Extract<FactRequest, { type: T }>;

export const getFact = {
  /** The kit's file fact (one way to read one for every family). */
  file: fileFact,
  command: (facts: Facts, command: string): CommandFact => facts.get(fact.command(command) as Req<'command'>),
  os: (facts: Facts): OsFact => facts.get(fact.os() as Req<'os'>),
  firewall: (facts: Facts, zone: string): FirewallFact => facts.get(fact.firewall(zone) as Req<'firewall'>),
  service: (facts: Facts, name: string, status?: string): ServiceFact => facts.get(fact.service(name, status) as Req<'service'>),
  package: (facts: Facts, manager: 'apt' | 'yum' | 'dnf', name: string): PackageFact =>
    facts.get(fact.package(manager, name) as Req<'package'>),
};
