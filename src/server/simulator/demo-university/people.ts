/**
 * Staff accounts of the demo university (guards, operators, the director …) with realistic
 * Chinese names, and the people and companies that appear in maintenance records.
 */
import type { Role } from '../../../shared/domain.ts';
import type { Random } from '../../util/random.ts';

const SURNAMES: readonly (readonly [string, number])[] = [
  ['王', 72], ['李', 72], ['张', 70], ['刘', 53], ['陈', 45], ['杨', 31], ['黄', 25], ['赵', 23], ['吴', 21], ['周', 21],
  ['徐', 17], ['孙', 16], ['马', 15], ['朱', 15], ['胡', 14], ['郭', 13], ['何', 12], ['林', 12], ['高', 12], ['罗', 11],
  ['郑', 11], ['梁', 10], ['谢', 9], ['宋', 8], ['唐', 8], ['许', 8], ['韩', 7], ['冯', 7], ['邓', 7], ['曹', 7],
  ['彭', 6], ['曾', 6], ['肖', 6], ['田', 6], ['董', 6], ['袁', 5], ['潘', 5], ['于', 5], ['蒋', 5], ['蔡', 5],
  ['余', 5], ['杜', 5], ['叶', 5], ['程', 5], ['苏', 4], ['魏', 4], ['吕', 4], ['丁', 4], ['任', 4], ['沈', 4],
  ['姚', 4], ['卢', 4], ['陆', 4], ['顾', 3], ['钱', 3], ['施', 3], ['严', 3], ['金', 3], ['汪', 3], ['范', 3],
];

const GIVEN_SINGLE = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞', '平', '刚', '斌', '鹏', '辉', '华', '飞', '浩', '琳', '健', '波', '宁'];
const GIVEN_DOUBLE = [
  '建华', '志强', '海燕', '国庆', '晓东', '俊杰', '子涵', '浩然', '欣怡', '雨萱', '建国', '卫东', '红梅', '春生', '玉兰',
  '永刚', '秀英', '桂英', '文斌', '晓明', '丽华', '志明', '海峰', '建平', '立新', '晓燕', '佳怡', '思远', '宇航', '天佑',
  '明辉', '晨曦', '雪峰', '国华', '振宇', '家豪', '一鸣', '嘉伟', '婷婷', '雅琴', '宏伟', '德明', '金龙', '春燕', '少华',
];

export class NameGenerator {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Random) {}

  next(): string {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const surname = this.rng.weighted(SURNAMES);
      const given = this.rng.chance(0.55) ? this.rng.pick(GIVEN_DOUBLE) : this.rng.pick(GIVEN_SINGLE);
      const name = surname + given;
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
    throw new Error('demo: ran out of names');
  }
}

export interface DemoAccount {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  /** True for the university's staff; false for the city-wide commission analyst. */
  inUniversity: boolean;
  phone: string | null;
}

const MOBILE_PREFIXES = ['139', '138', '137', '136', '135', '158', '159', '186', '187', '188', '189', '133', '153', '177', '181'];

export function demoAccounts(rng: Random, names: NameGenerator, nextId: () => string): DemoAccount[] {
  const phone = () => rng.pick(MOBILE_PREFIXES) + rng.digits(8);
  const out: DemoAccount[] = [];
  const add = (username: string, role: Role, inUniversity = true) => out.push({ id: nextId(), username, displayName: names.next(), role, inUniversity, phone: phone() });
  add('director', 'security_director');
  for (let i = 1; i <= 20; i++) add(`operator${String(i).padStart(2, '0')}`, 'operator');
  for (let i = 1; i <= 40; i++) add(`guard${String(i).padStart(2, '0')}`, 'guard');
  add('maintainer', 'maintainer');
  add('auditor', 'auditor');
  add('analyst', 'commission_analyst', false);
  return out;
}

/** Outside companies that service the equipment (by device family). */
export const SERVICE_COMPANIES = {
  video: ['海康威视上海服务站', '大华技术服务中心（上海）', '宇视科技华东服务中心', '上海申安智能系统工程有限公司'],
  access: ['上海申安智能系统工程有限公司', '上海捷顺科技服务部'],
  alarm: ['上海申安智能系统工程有限公司', '霍尼韦尔安防（上海）服务中心'],
  fire: ['上海华安消防工程有限公司', '上海消防技术服务有限公司'],
} as const;
