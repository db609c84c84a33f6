// Every IMAP command, declared once; dispatch.ts validates state and arguments centrally.

import type { AnyCommand } from '../command.js';
import { append } from './append.js';
import { authenticate, loginCommand } from './auth.js';
import { capability, check, enable, id, logout, namespace, noop, starttls } from './basic.js';
import { copy, move } from './copy-move.js';
import { expunge } from './expunge.js';
import { fetch } from './fetch.js';
import { idle } from './idle.js';
import { listCommand, lsub } from './list.js';
import { create, del, rename, subscribe, unsubscribe } from './mailboxes.js';
import { search } from './search.js';
import { sort } from './sort.js';
import { close, examine, select, unselect } from './select.js';
import { status } from './status.js';
import { store } from './store.js';

export const COMMANDS: AnyCommand[] = [
  capability,
  noop,
  logout,
  starttls,
  id,
  namespace,
  enable,
  check,
  loginCommand,
  authenticate,
  select,
  examine,
  close,
  unselect,
  create,
  del,
  rename,
  subscribe,
  unsubscribe,
  listCommand,
  lsub,
  status,
  append,
  expunge,
  search,
  sort,
  fetch,
  store,
  copy,
  move,
  idle,
];
