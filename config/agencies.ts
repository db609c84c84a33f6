// Lookups over agencies.yaml: an agency's mail addresses are its `addresses` and any address at its `domain`.

import type { Agency } from './schema.js';

function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at === -1 ? '' : address.slice(at + 1).toLowerCase();
}

interface Indexes {
  agencies: readonly Agency[];
  byId: Map<string, Agency>;
  byAddress: Map<string, Agency>;
  byDomain: Map<string, Agency>;
}

function indexesOf(agencies: readonly Agency[]): Indexes {
  const indexes: Indexes = { agencies, byId: new Map(), byAddress: new Map(), byDomain: new Map() };
  for (const agency of agencies) {
    indexes.byId.set(agency.id, agency);
    indexes.byDomain.set(agency.domain, agency);
    for (const address of agency.addresses) indexes.byAddress.set(normalizeAddress(address), agency);
  }
  return indexes;
}

/**
 * The one directory every component holds; a reload of agencies.yaml swaps its contents at once (a
 * single reference), so a lookup never sees half of the old list and half of the new.
 */
export class AgencyDirectory {
  private current: Indexes;

  constructor(agencies: readonly Agency[]) {
    this.current = indexesOf(agencies);
  }

  get agencies(): readonly Agency[] {
    return this.current.agencies;
  }

  /** Puts a reloaded, validated list in force. */
  replace(agencies: readonly Agency[]): void {
    this.current = indexesOf(agencies);
  }

  private get byId() {
    return this.current.byId;
  }
  private get byAddress() {
    return this.current.byAddress;
  }
  private get byDomain() {
    return this.current.byDomain;
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
