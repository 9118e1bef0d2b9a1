import { FledgeError } from '../errors.ts';

/**
 * A store operation failed for a reason other than a lost race (which is a `conflict` result, never an error):
 * the table is missing, access is denied, the service is throttling, … The SDK's error is the `cause`.
 */
export class StoreError extends FledgeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** A caller passed something the store cannot accept (an invalid canary id, time, version, cursor or state). */
export class InvalidStoreInputError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidStoreInputError';
  }
}

/**
 * An item is larger than DynamoDB's 400 KB item limit. The store refuses it whole (nothing is written, nothing
 * is truncated); the message names the item, its size and its largest attribute.
 */
export class ItemTooLargeError extends StoreError {
  /** Which item, e.g. `state item of canary prod/test/podinfo`. */
  readonly item: string;
  /** The item's size in bytes, by DynamoDB's measure. */
  readonly size: number;
  /** The limit in bytes. */
  readonly limit: number;

  constructor(item: string, size: number, limit: number, largestAttribute: { name: string; size: number }) {
    super(
      `${item} is ${size} bytes, over DynamoDB's item limit of ${limit} bytes (400 KB); ` +
        `its largest attribute is "${largestAttribute.name}" (${largestAttribute.size} bytes). Nothing was written.`,
    );
    this.name = 'ItemTooLargeError';
    this.item = item;
    this.size = size;
    this.limit = limit;
  }
}

/** An item read from the table does not hold what the store wrote there (edited by hand, or a bug). */
export class CorruptItemError extends StoreError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CorruptItemError';
  }
}
