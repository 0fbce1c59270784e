#include "demo/names.hpp"

#include <array>

namespace gridkeeper::demo {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < text.size()) {
    const auto end = text.find(' ', at);
    const auto word = text.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    if (!word.empty()) out.emplace_back(word);
    if (end == std::string_view::npos) break;
    at = end + 1;
  }
  return out;
}

namespace {

struct Surname {
  const char* name;
  double weight;
};
// 陈, 林, 黄 lead in Xiamen, then the common southern Fujian surnames.
constexpr Surname kSurnames[] = {
    {"陈", 11}, {"林", 9},   {"黄", 7},   {"张", 4},   {"李", 4},   {"王", 3},   {"吴", 3},   {"刘", 2.5}, {"蔡", 2.5},
    {"杨", 2},  {"郑", 2},   {"许", 2},   {"洪", 2},   {"苏", 1.5}, {"曾", 1.5}, {"叶", 1.5}, {"庄", 1.5}, {"吕", 1},
    {"柯", 1},  {"邱", 1},   {"何", 1},   {"谢", 1},   {"沈", 1},   {"彭", 1},   {"卢", 1},   {"郭", 1},   {"周", 1},
    {"徐", 1},  {"江", 0.8}, {"方", 0.8}, {"翁", 0.8}, {"钟", 0.6}, {"卓", 0.5},
};

const std::vector<std::string>& given_characters() {
  static const auto v = words(
      "志 明 伟 强 建 华 国 荣 文 斌 晓 东 俊 杰 宏 亮 海 峰 鸿 毅 振 辉 金 水 福 顺 德 清 泉 锦 "
      "丽 娟 芳 敏 静 燕 婷 雪 琳 秀 玲 霞 慧 颖 佳 欣 怡 梅 兰 淑 雅 蓉 红 艳 萍 莉 珍 凤 月 彬");
  return v;
}

const std::vector<std::string>& place_heads() {
  static const auto v = words(
      "鸿 舫 洪 彭 蔡 黄 郑 林 陈 刘 许 吕 翁 钟 宋 卓 张 欧 后 前 东 西 南 霞 云 桂 茂 桐 琼 溪 莲 澳 "
      "美 金 银 凤 龙 古 新 大 小 上 下 内 田 山 浦 垵 湖 锦 祥 巷 亭 榕 槟");
  return v;
}

const std::vector<std::string>& community_tails() {
  static const auto v = words("山 湖 浦 园 城 湾 苑 庭 安 兴 华 丰 美 塘 亭 溪 林 景 泰 和 盛 平 港 宁 荣");
  return v;
}

const std::vector<std::string>& village_tails() {
  static const auto v = words("厝 头 尾 埔 坑 洋 宅 田 垵 柄 岭 坂 店 庄 后 井 墩 垄 塘 林 内 边 寮 前");
  return v;
}

const std::vector<std::string>& roads() {
  static const auto v = words(
      "翔安南路 翔安东路 翔安北路 新店路 洪钟大道 舫山南路 舫山北路 滨海东大道 民安大道 马巷大道 内厝路 "
      "新圩大道 大嶝大道 鸿山路 金海路 凤翔路 香山路 巷东路 巷南路 新城路 彭厝路 莲河路 窗东路 后田路 "
      "祥吴路 市头路 沙美路 茂林路 琼头路 霞美路 鼓锣路 桐梓路");
  return v;
}

}  // namespace

std::size_t Random::weighted(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  double x = uniform() * total;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    x -= weights[i];
    if (x < 0) return i;
  }
  return weights.empty() ? 0 : weights.size() - 1;
}

std::string person_name(Random& random) {
  std::vector<double> weights;
  for (const auto& s : kSurnames) weights.push_back(s.weight);
  std::string name = kSurnames[random.weighted(weights)].name;
  const auto& given = given_characters();
  name += random.pick(given);
  if (!random.chance(0.2)) name += random.pick(given);  // most given names have two characters
  return name;
}

std::string place_name(Random& random, bool village, std::set<std::string>& taken) {
  const auto& heads = place_heads();
  const auto& tails = village ? village_tails() : community_tails();
  for (int attempt = 0;; ++attempt) {
    std::string name = random.pick(heads) + random.pick(tails);
    // After many tries (more places than names), a number keeps names apart.
    if (attempt > 200) name += std::to_string(attempt);
    if (!taken.insert(name).second) continue;
    return name + (village ? "村" : "社区");
  }
}

std::string road_name(Random& random) { return random.pick(roads()); }

}  // namespace gridkeeper::demo
