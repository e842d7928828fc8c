import type { RequestContext } from '../context/request-context.js';
import { Account } from './account.entity.js';

export class AccountService {
  async byNumber(ctx: RequestContext, accountNumber: string): Promise<Account | null> {
    const em = await ctx.uow.tx();
    return em.findOne(Account, { accountNumber });
  }
}
