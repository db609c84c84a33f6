// Lookups over agencies.yaml: an agency's mail addresses are its `addresses` and any address at its `domain`.

import type { Agency } from './schema.js';

function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? '' : address.slice(at + 1).toLowerCase();
}

export class AgencyDirectory {
  private readonly byId = new Map<string, Agency>();
  private readonly byAddress = new Map<string, Agency>();
  private readonly byDomain = new Map<string, Agency>();

  constructor(readonly agencies: readonly Agency[]) {
    for (const agency of agencies) {
      this.byId.set(agency.id, agency);
      this.byDomain.set(agency.domain, agency);
      for (const address of agency.addresses) this.byAddress.set(normalizeAddress(address), agency);
    }
  }

  get(id: string): Agency | undefined {
    return this.byId.get(id);
  }

  /** The agency an address belongs to, or undefined. */
  ownerOf(address: string): Agency | undefined {
    const normalized = normalizeAddress(address);
    return this.byAddress.get(normalized) ?? this.byDomain.get(domainOf(normalized));
  }

  belongsTo(address: string, agencyId: string): boolean {
    return this.ownerOf(address)?.id === agencyId;
  }
}
