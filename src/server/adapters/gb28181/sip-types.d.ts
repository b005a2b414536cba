/** Types of the `sip` package (kirm/sip.js, plain JS): only the parts the GB/T 28181 adapter uses. */
declare module 'sip' {
  export interface SipUri {
    schema?: string;
    user?: string;
    password?: string;
    host: string;
    port?: number;
    params: Record<string, string | null>;
    headers: Record<string, string>;
  }
  export interface NameAddr {
    name?: string;
    uri: string;
    params: Record<string, string | null>;
  }
  export interface Via {
    version: string;
    protocol: string;
    host: string;
    port?: number;
    params: Record<string, string | number | null>;
  }
  /** Header values keep their quotes ("…") as on the wire. */
  export type AuthHeader = { scheme: string } & Record<string, string>;
  export interface SipHeaders {
    via: Via[];
    from: NameAddr;
    to: NameAddr;
    'call-id': string;
    cseq: { seq: number; method: string };
    contact?: NameAddr[] | '*';
    authorization?: AuthHeader[];
    'www-authenticate'?: AuthHeader[];
    'content-length'?: number;
    'content-type'?: string;
    [name: string]: unknown;
  }
  export interface SipMessage {
    method?: string;
    uri?: string;
    status?: number;
    reason?: string;
    version: string;
    headers: SipHeaders;
    /** The body as a latin1 ("binary") string: one character per byte. */
    content: string;
  }
  export function parse(data: Buffer | string): SipMessage | undefined;
  export function stringify(message: SipMessage): string;
  export function makeResponse(request: SipMessage, status: number, reason: string, extension?: Partial<SipMessage>): SipMessage;
  export function parseUri(uri: string): SipUri | undefined;
  export function stringifyUri(uri: SipUri): string;
  export function generateBranch(): string;
  export function makeStreamParser(onMessage: (m: SipMessage) => void, onFlood?: () => void, maxBytesHeaders?: number, maxContentLength?: number): (data: string) => void;
}
