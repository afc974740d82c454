/** Scores for the MSC indications: MELD / MELD-Na (liver failure) and KOOS (knee osteoarthritis). */
export * from './koos';
export * from './meld';
