/** How an entry moves the balance is given by the sign of its amount, not by its kind. */
export enum EntryKind {
  CHARGE = 'CHARGE',
  PAYMENT = 'PAYMENT',
  ADJUSTMENT = 'ADJUSTMENT',
  REFUND = 'REFUND',
  TRANSFER = 'TRANSFER',
}
