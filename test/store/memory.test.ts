import { MemoryCanaryStore } from '../../shared/store/index.ts';
import { canaryStoreContract } from './contract.ts';

canaryStoreContract('in memory', async () => new MemoryCanaryStore());
