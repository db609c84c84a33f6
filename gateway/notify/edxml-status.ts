// An edXML-style status message (after QCVN 102:2016 / Thông tư 10/2016/TT-BTTTT, "Status"): which
// document (ResponseFor with its edXML id), the status code, its time, the agency that reports it and
// the person who acted. "-like": the element set is the standard's, the namespace and envelope are ours.

import type { NoticeFacts } from './facts.js';

const EDXML_NS = 'http://www.e-doc.vn/Schema/';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function element(name: string, value: string | null, indent: string): string {
  return value === null || value === '' ? `${indent}<edXML:${name}/>` : `${indent}<edXML:${name}>${escape(value)}</edXML:${name}>`;
}

/** yyyy/MM/dd HH:mm:ss in the register's time zone, as edXML writes times. */
function edxmlTime(facts: NoticeFacts): string {
  return facts.time.local.slice(0, 19).replace(/-/g, '/').replace('T', ' ');
}

export function edxmlStatusXml(facts: NoticeFacts): string {
  const [organId, promulgation, code] = facts.edxmlDocumentId.split(',');
  const from = facts.agency ?? { id: 'docgate', name: 'docgate' };
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<edXML:Status xmlns:edXML="${EDXML_NS}">`,
    '  <edXML:Header>',
    '    <edXML:MessageHeader>',
    '      <edXML:From>',
    element('OrganId', from.id, '        '),
    element('OrganName', from.name, '        '),
    '      </edXML:From>',
    '      <edXML:To>',
    element('OrganId', facts.sender.agency.id, '        '),
    element('OrganName', facts.sender.agency.name, '        '),
    '      </edXML:To>',
    '      <edXML:ResponseFor>',
    element('OrganId', organId, '        '),
    element('Code', code, '        '),
    element('PromulgationDate', promulgation, '        '),
    element('DocumentId', facts.edxmlDocumentId, '        '),
    '      </edXML:ResponseFor>',
    element('DocumentId', facts.edxmlDocumentId, '      '),
    element('TrackingId', facts.trackingId, '      '),
    element('StatusCode', facts.status, '      '),
    element('Description', facts.statusText?.vi ?? null, '      '),
    element('Timestamp', edxmlTime(facts), '      '),
    element('TimestampUTC', facts.time.utc, '      '),
    '      <edXML:StaffInfo>',
    element('Department', from.name, '        '),
    element('Staff', facts.actor, '        '),
    element('Email', facts.actor?.includes('@') ? facts.actor : null, '        '),
    '      </edXML:StaffInfo>',
    ...(facts.reason ? [element('Reason', `${facts.reason.vi} / ${facts.reason.en}`, '      ')] : []),
    '    </edXML:MessageHeader>',
    '  </edXML:Header>',
    '</edXML:Status>',
    '',
  ];
  return lines.join('\r\n');
}
