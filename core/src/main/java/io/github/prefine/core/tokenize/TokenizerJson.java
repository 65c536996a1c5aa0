package io.github.prefine.core.tokenize;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.prefine.core.tokenize.internal.TokenizerText;
import io.github.prefine.eval.internal.JsonShapes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What {@link SubwordTokenizer} reads from a {@code tokenizer.json} itself, beside the native
 * tokenizer that loads the same file: the padding id, whether the pre-tokenizer tokenizes each
 * word on its own (which decides whether words can be encoded once and reused), and whether it
 * marks where words start (which decides whether a word's place can change its pieces).
 *
 * <p>Stateless; the native library exposes neither fact.
 */
final class TokenizerJson {
    private TokenizerJson() {}

    /**
     * The SHA-256 of a {@code tokenizer.json} text, to tell whether a file changed since its facts were read.
     *
     * @param text the text
     * @return its digest
     */
    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            // every Java platform has SHA-256
            throw new IllegalStateException(e);
        }
    }

    /**
     * Tells whether a pre-tokenizer tokenizes each whitespace-separated word on its own (the rules
     * are listed on {@link SubwordTokenizer#encodesWordsIndependently()}).
     *
     * @param pre the file's {@code pre_tokenizer} element, or null
     * @return false for an absent or unknown pre-tokenizer
     */
    static boolean splitsWordsIndependently(JsonElement pre) {
        if (pre == null || !pre.isJsonObject()) {
            return false;
        }
        JsonObject o = pre.getAsJsonObject();
        String type = o.has("type") ? o.get("type").getAsString() : "";
        if (type.equals("Sequence")) {
            List<JsonElement> splitters = splitters(o);
            return !splitters.isEmpty() && splitters.stream().allMatch(TokenizerJson::splitsWordsIndependently);
        }
        switch (type) {
            case "BertPreTokenizer":
            case "Whitespace":
            case "WhitespaceSplit":
                return true;
            case "Metaspace": {
                boolean split = !o.has("split") || o.get("split").getAsBoolean();
                String scheme = o.has("prepend_scheme") ? o.get("prepend_scheme").getAsString() : null;
                boolean marks = scheme != null
                        ? scheme.equals("always") || scheme.equals("first")
                        : o.has("add_prefix_space") && o.get("add_prefix_space").getAsBoolean();
                return split && marks;
            }
            case "ByteLevel":
                return o.has("add_prefix_space") && o.get("add_prefix_space").getAsBoolean()
                        && (!o.has("use_regex") || o.get("use_regex").getAsBoolean());
            default:
                return false;
        }
    }

    /**
     * Tells whether a normalizer puts spaces around CJK ideographs (the rule is on {@link
     * SubwordTokenizer#splitsIdeographs()}).
     *
     * @param normalizer the file's {@code normalizer} element, or null
     * @return true for a {@code BertNormalizer} whose {@code handle_chinese_chars} is true (the
     *     library refuses one without the field before this is read), alone or in a {@code
     *     Sequence}; false for any other
     */
    static boolean splitsIdeographs(JsonElement normalizer) {
        return anyBertNormalizer(normalizer, o -> {
            JsonElement flag = o.get("handle_chinese_chars");
            return flag == null || flag.isJsonNull() || flag.getAsBoolean();
        });
    }

    /**
     * Whether the normalizer, or a member of its {@code Sequence}, nested or not, is a {@code
     * BertNormalizer} the test takes.
     */
    private static boolean anyBertNormalizer(JsonElement normalizer, Predicate<JsonObject> test) {
        return steps(normalizer).stream().anyMatch(o -> type(o).equals("BertNormalizer") && test.test(o));
    }

    /** The normalizer's steps in the order they run: a {@code Sequence}'s members, nested or not, flattened. */
    private static List<JsonObject> steps(JsonElement normalizer) {
        List<JsonObject> out = new ArrayList<>();
        if (normalizer != null && normalizer.isJsonObject()) {
            JsonObject o = normalizer.getAsJsonObject();
            if (type(o).equals("Sequence") && o.get("normalizers") instanceof JsonArray members) {
                members.forEach(m -> out.addAll(steps(m)));
            } else {
                out.add(o);
            }
        }
        return out;
    }

    private static String type(JsonObject o) {
        return o.get("type") instanceof JsonPrimitive t ? t.getAsString() : "";
    }

    /**
     * Tells whether a normalizer strips accents as BERT's does (the rule is on {@link
     * SubwordTokenizer#stripsAccents()}).
     *
     * @param normalizer the file's {@code normalizer} element, or null
     * @return true for a {@code BertNormalizer} whose {@code strip_accents} is true, or null or
     *     absent with {@code lowercase} true, alone or in a {@code Sequence}, or a {@code
     *     StripAccents} after an {@code NFD} in a {@code Sequence}; false for any other
     */
    static boolean stripsAccents(JsonElement normalizer) {
        // NFD then StripAccents drops the nonspacing marks of the decomposition as BERT does; another
        // normal form between them (NFKD decomposes otherwise, NFC recomposes) is not that
        boolean decomposed = false;
        for (JsonObject o : steps(normalizer)) {
            switch (type(o)) {
                case "BertNormalizer" -> {
                    // the library's rule: strip_accents.unwrap_or(lowercase)
                    JsonElement flag = o.get("strip_accents");
                    if (flag == null || flag.isJsonNull() ? isTrue(o.get("lowercase")) : flag.getAsBoolean()) {
                        return true;
                    }
                }
                case "NFD" -> decomposed = true;
                case "NFC", "NFKC", "NFKD" -> decomposed = false;
                case "StripAccents" -> {
                    if (decomposed) {
                        return true;
                    }
                }
                default -> {
                }
            }
        }
        return false;
    }

    /**
     * Tells whether pre-split words must be encoded with {@code add_prefix_space} ({@link
     * #withPrefixSpace}) to get the tokens HF's {@code is_split_into_words} gives them: for a {@code
     * ByteLevel} pre-tokenizer (alone or in a {@code Sequence}) whose {@code add_prefix_space} is
     * false, as RoBERTa's files have it. HF's byte-level classes refuse pre-split words without
     * {@code add_prefix_space}, and with it every word, the first too, and every piece of a word
     * after an added token, is encoded after a space ("Ġ"); joined, only the words after the first are.
     *
     * @param pre the file's {@code pre_tokenizer} element, or null
     * @return true where the first word needs the space
     */
    static boolean spacesFirstWord(JsonElement pre) {
        if (pre == null || !pre.isJsonObject()) {
            return false;
        }
        JsonObject o = pre.getAsJsonObject();
        if (type(o).equals("Sequence") && o.get("pretokenizers") instanceof JsonArray members) {
            for (JsonElement m : members) {
                if (spacesFirstWord(m)) {
                    return true;
                }
            }
            return false;
        }
        JsonElement prefix = o.get("add_prefix_space");
        return type(o).equals("ByteLevel") && prefix != null && prefix.isJsonPrimitive()
                && prefix.getAsJsonPrimitive().isBoolean() && !prefix.getAsBoolean();
    }

    /**
     * The text of a file with {@code add_prefix_space} true in each {@code ByteLevel}
     * pre-tokenizer and in a {@code RobertaProcessing} or {@code ByteLevel} post-processor, alone or
     * in a {@code Sequence}: the tokenizer HF's byte-level classes encode pre-split words with (they
     * refuse them without {@code add_prefix_space}, and rebuild the file's components with it).
     * The library then puts a space before every piece of a word, the one an added token leaves
     * after it ({@code "</s>a"}) too, which a space written between joined words cannot do.
     *
     * @param root the file's parsed object, changed in place
     * @return the changed object written out
     */
    static String withPrefixSpace(JsonObject root) {
        prefixSpace(root.get("pre_tokenizer"), "pretokenizers", Set.of("ByteLevel"));
        prefixSpace(root.get("post_processor"), "processors", Set.of("ByteLevel", "RobertaProcessing"));
        return REWRITTEN.toJson(root);
    }

    /** Sets {@code add_prefix_space} true on the components of the given types, in a {@code Sequence}'s {@code members} too. */
    private static void prefixSpace(JsonElement component, String members, Set<String> types) {
        if (component == null || !component.isJsonObject()) {
            return;
        }
        JsonObject o = component.getAsJsonObject();
        if (type(o).equals("Sequence") && o.get(members) instanceof JsonArray list) {
            list.forEach(m -> prefixSpace(m, members, types));
        } else if (types.contains(type(o))) {
            o.addProperty("add_prefix_space", true);
        }
    }

    /** Writes a changed file back as the library reads it: nulls kept, characters unescaped. */
    private static final Gson REWRITTEN = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    /**
     * Tells whether a pre-tokenizer may mark where a word starts (the rules are listed on {@link
     * SubwordTokenizer#marksWordStarts()}).
     *
     * @param pre the file's {@code pre_tokenizer} element, or null
     * @return false only for whitespace splitters, alone or in a sequence with {@code Punctuation}
     *     or {@code Digits}; true for any other, absent or unknown pre-tokenizer
     */
    static boolean marksWordStarts(JsonElement pre) {
        if (pre == null || !pre.isJsonObject()) {
            return true;
        }
        JsonObject o = pre.getAsJsonObject();
        String type = o.has("type") ? o.get("type").getAsString() : "";
        if (type.equals("Sequence")) {
            List<JsonElement> splitters = splitters(o);
            return splitters.isEmpty() || splitters.stream().anyMatch(TokenizerJson::marksWordStarts);
        }
        // these drop whitespace and add nothing where it was
        return !(type.equals("BertPreTokenizer") || type.equals("Whitespace") || type.equals("WhitespaceSplit"));
    }

    /**
     * The members of a {@code Sequence} pre-tokenizer that split words: all but {@code
     * Punctuation} and {@code Digits}, which only split the words further.
     */
    private static List<JsonElement> splitters(JsonObject sequence) {
        List<JsonElement> out = new ArrayList<>();
        for (JsonElement member : sequence.getAsJsonArray("pretokenizers")) {
            String t = member.getAsJsonObject().get("type").getAsString();
            if (!t.equals("Punctuation") && !t.equals("Digits")) {
                out.add(member);
            }
        }
        return out;
    }

    /**
     * Returns the padding id a file declares: {@code padding.pad_id}, else the id the library gives
     * the added token {@code <pad>} or {@code [PAD]} ({@link TokenizerText#addedTokenIds}).
     *
     * @param file the file, for the message
     * @param root its parsed object
     * @return the padding id
     * @throws IllegalArgumentException when the file declares none
     */
    static int padId(Path file, JsonObject root) {
        JsonElement padding = root.get("padding");
        if (padding != null && padding.isJsonObject() && padding.getAsJsonObject().has("pad_id")) {
            return id(file, padding.getAsJsonObject().get("pad_id"), "padding.pad_id");
        }
        JsonElement added = root.get("added_tokens");
        if (added != null && added.isJsonArray()) {
            Map<String, Long> numbered = TokenizerText.addedTokenIds(root);
            for (JsonElement t : added.getAsJsonArray()) {
                String content = t.getAsJsonObject().get("content").getAsString();
                if (content.equals("<pad>") || content.equals("[PAD]")) {
                    id(file, t.getAsJsonObject().get("id"), "added token " + content + " id");
                    // the id the library gives the token, which need not be the file's
                    return Math.toIntExact(numbered.get(content));
                }
            }
        }
        throw new IllegalArgumentException(
                file + ": no padding.pad_id and no <pad> or [PAD] added token; call optPadId");
    }

    /**
     * Returns the type id the file pads with: its {@code padding.pad_type_id}, which the native
     * tokenizer pads with and HF's {@code pad_token_type_id} defaults to; 0 (the library's default)
     * where the file has no padding section or the section no such field.
     *
     * @param file the file, for the message
     * @param root the parsed file
     * @return the padding type id
     * @throws IllegalArgumentException naming the file when the field is not a whole number
     */
    static int padTypeId(Path file, JsonObject root) {
        JsonElement padding = root.get("padding");
        if (padding != null && padding.isJsonObject() && padding.getAsJsonObject().has("pad_type_id")) {
            return id(file, padding.getAsJsonObject().get("pad_type_id"), "padding.pad_type_id");
        }
        return 0;
    }

    /**
     * Returns the file's added tokens ({@code added_tokens}: special tokens such as {@code <mask>}
     * and any a user added), each id to the text that shows a token of that id was matched as the
     * added token. The library matches them in a text before it pre-tokenizes, so Metaspace
     * prepends no {@code ▁} to one. An id the model's vocabulary does not hold only the matcher
     * gives, whatever the text says (one with {@code "normalized": true} is matched in the
     * normalized text, full-width "ｆｏｏ" for "foo"): its value is empty. So is that of one the model
     * holds too, as its piece of that id, that is normalized and not {@code single_word}: the library
     * matches it wherever the normalized text shows it, before the model sees that text, so the
     * model never gives its id (it does, at the token's offsets, show the raw text: "ｑ" for "q").
     * Another the model holds (XLM-R's {@code <unk>}, which the model gives a piece it does not know,
     * one matched only as a whole word or in the raw text, or a token the model lacks numbered
     * with the id of one of the model's pieces, a vocabulary with gaps in its ids) maps to its
     * content, which the text at the token's offsets must then be. Each token is keyed by the id the
     * library numbers it with, whatever id the file gives: a content the model holds by the model's
     * id of it (for a Unigram list holding the content twice, the last index), one it lacks by its
     * place among the tokens added ({@link TokenizerText#addedTokenIds}).
     *
     * @param file the file, for messages
     * @param root its parsed text
     * @return id to the content the text must show, or to "" where the id alone tells; empty when
     *     the file lists none
     */
    static Map<Integer, String> addedTokens(Path file, JsonObject root) {
        JsonElement added = root.get("added_tokens");
        if (added == null || !added.isJsonArray()) {
            return Map.of();
        }
        List<JsonObject> tokens = new ArrayList<>();
        for (JsonElement t : added.getAsJsonArray()) {
            JsonObject token = t.getAsJsonObject();
            // the file's id is checked, though the library only compares it with its own
            id(file, token.get("id"), "added token " + token.get("content").getAsString() + " id");
            tokens.add(token);
        }
        Map<String, Long> numbered = TokenizerText.addedTokenIds(root);
        Map<Integer, String> pieces = modelPieces(root,
                numbered.values().stream().map(Long::intValue).collect(Collectors.toSet()));
        int unknown = modelUnknownId(root.get("model"));
        Map<Integer, String> out = new HashMap<>();
        for (JsonObject token : tokens) {
            String content = token.get("content").getAsString();
            Long numberedId = numbered.get(content);
            if (numberedId == null) {
                continue; // an empty content, which the library does not add
            }
            int id = numberedId.intValue();
            if (!content.equals(pieces.get(id))) {
                // a content the model lacks; where its id is also a piece's, the model gives that piece
                out.put(id, pieces.containsKey(id) ? content : "");
                continue;
            }
            // the model gives its unknown id to text that is not the token's
            boolean onlyMatched = isTrue(token.get("normalized")) && !isTrue(token.get("single_word")) && id != unknown;
            out.put(id, onlyMatched ? "" : content);
        }
        return Map.copyOf(out);
    }

    private static boolean isTrue(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean() && e.getAsBoolean();
    }

    /**
     * The id a model gives text it does not know: a Unigram model's {@code unk_id}, another's
     * {@code unk_token} looked up in its vocabulary ({@code [UNK]} for WordPiece when absent); -1
     * where there is none.
     */
    private static int modelUnknownId(JsonElement model) {
        int unigram = unigramUnknownId(model);
        if (unigram >= 0 || model == null || !model.isJsonObject()) {
            return unigram;
        }
        JsonObject m = model.getAsJsonObject();
        JsonElement token = m.get("unk_token");
        JsonElement type = m.get("type");
        String name = token != null && token.isJsonPrimitive() ? token.getAsString()
                : token == null && type != null && type.isJsonPrimitive() && type.getAsString().equals("WordPiece")
                        ? "[UNK]" : null;
        JsonElement vocab = m.get("vocab");
        JsonElement id = name != null && vocab != null && vocab.isJsonObject() ? vocab.getAsJsonObject().get(name) : null;
        return id != null && id.isJsonPrimitive() && id.getAsJsonPrimitive().isNumber() ? id.getAsInt() : -1;
    }

    /**
     * The model's pieces of some ids ({@code model.vocab}: a map's keys by their values for BPE and
     * WordPiece, a list's entries' first elements by their indices for Unigram); an id the model
     * lacks is not among the keys.
     */
    private static Map<Integer, String> modelPieces(JsonObject root, Set<Integer> ids) {
        Map<Integer, String> pieces = new HashMap<>();
        JsonElement model = root.get("model");
        JsonElement vocab = model != null && model.isJsonObject() ? model.getAsJsonObject().get("vocab") : null;
        if (vocab != null && vocab.isJsonObject()) {
            for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                JsonElement id = e.getValue();
                if (id.isJsonPrimitive() && id.getAsJsonPrimitive().isNumber() && ids.contains(id.getAsInt())) {
                    pieces.put(id.getAsInt(), e.getKey());
                }
            }
        } else if (vocab != null && vocab.isJsonArray()) {
            JsonArray list = vocab.getAsJsonArray();
            for (int id : ids) {
                if (id >= 0 && id < list.size()) {
                    JsonElement entry = list.get(id);
                    JsonElement piece = entry.isJsonArray() && !entry.getAsJsonArray().isEmpty()
                            ? entry.getAsJsonArray().get(0) : null;
                    // the library's schema makes each entry a [piece, score] pair; another shape names no piece
                    pieces.put(id, piece != null && piece.isJsonPrimitive() ? piece.getAsString() : null);
                }
            }
        }
        return pieces;
    }

    /**
     * Returns how many ids the file's tokens take, the rows an embedding table needs: one past
     * {@link TokenizerText#largestId(JsonObject)} (model vocabulary, added tokens and the ids its
     * post-processor adds), so that export and loading judge a tokenizer by the same count.
     *
     * @param file the file, for messages
     * @param root its parsed text, which the native library loaded already
     * @return the vocabulary size
     * @throws IllegalArgumentException if the file holds no token id, or more than an int counts
     */
    static int vocabularySize(Path file, JsonObject root) {
        long largest = TokenizerText.largestId(root);
        if (largest < 0 || largest >= Integer.MAX_VALUE) {
            throw new IllegalArgumentException(file + ": expected token ids from 0 to " + (Integer.MAX_VALUE - 1)
                    + " in model.vocab, added_tokens or post_processor, found "
                    + (largest < 0 ? "none" : "id " + largest));
        }
        return (int) largest + 1;
    }

    /**
     * Refuses a file whose {@code truncation} section cuts on the left ({@code "direction": "Left"}).
     * DJL keeps the file's direction when it truncates, and so do HF's tokenizers by default, keeping
     * a text's last tokens; prefine's featurizers cut the pieces of words and contexts themselves, on
     * the right, so a task's fast path and its reference path would keep different tokens, and
     * neither would say so.
     *
     * @param file the file, for the message
     * @param truncation its {@code truncation} element, or null
     * @throws IOException naming the file, the JSON path and what was expected
     */
    static void checkTruncationDirection(Path file, JsonElement truncation) throws IOException {
        if (isLeft(truncation)) {
            throw new IOException(file + ": $.truncation.direction is \"Left\"; expected \"Right\" or no truncation"
                    + " section: prefine truncates on the right, keeping a text's first tokens, where the tokenizers"
                    + " library would keep its last");
        }
    }

    /**
     * The text of a file whose {@code padding} section pads on the left, padding on the right: DJL
     * keeps the file's direction when it pads, and prefine pads every row after its tokens (its own
     * re-padding of pre-split words and the featurizers read a row's tokens first). Under an attention
     * mask the padding side changes no token's state for XLM-R and RoBERTa (positions count unmasked
     * tokens) and keeps BERT's positions those of the unpadded text, as HF's own right padding does.
     *
     * @param root the file's parsed object, whose {@code padding} section pads on the left; changed in place
     * @return the changed object written out
     */
    static String paddedRight(JsonObject root) {
        root.getAsJsonObject("padding").addProperty("direction", "Right");
        return REWRITTEN.toJson(root);
    }

    /** Whether a {@code truncation} or {@code padding} section says {@code "direction": "Left"}. */
    static boolean isLeft(JsonElement section) {
        JsonElement direction = section != null && section.isJsonObject() ? section.getAsJsonObject().get("direction")
                : null;
        return direction != null && direction.isJsonPrimitive() && direction.getAsString().equals("Left");
    }

    /**
     * Refuses a template the native library loads but then cannot encode with, aborting the JVM
     * or giving encodings whose arrays differ in length: one that adds a special token its {@code
     * special_tokens} do not define (the library panics at the first text, "no entry found for key"
     * in {@code template.rs}); a single-text template holding the second text (it indexes a text
     * the single text lacks, and panics) or not holding the text at all (it drops the text, and
     * its stride assertion panics where prefine's count of the text's tokens cannot foresee the
     * cut); and a special token whose {@code ids} and {@code tokens} differ in number.
     *
     * @param file the file, for the message
     * @param processor its {@code post_processor} element, or null
     * @throws IOException naming the file, the JSON path of the template piece or token and what
     *     was expected
     */
    static void checkTemplate(Path file, JsonElement processor) throws IOException {
        checkTemplate(file, processor, "$.post_processor");
        for (int texts = 1; texts <= 2; texts++) {
            for (boolean special : new boolean[] {true, false}) {
                encodingsAfter(file, processor, "$.post_processor", texts, texts == 2, special);
            }
        }
    }

    /**
     * How many encodings a post-processor hands on, given {@code in}: a {@code TemplateProcessing}
     * one per piece of the template it applies (its special tokens only with special tokens), the
     * others as many as they get. The library's {@code TemplateProcessing} takes only 1 or 2 (a
     * text or a pair) and panics on any other count, which a template after another in a {@code
     * Sequence} gets: refused here, naming the processor.
     */
    private static int encodingsAfter(Path file, JsonElement processor, String path, int in, boolean pair,
            boolean special) throws IOException {
        if (processor == null || !processor.isJsonObject()) {
            return in;
        }
        JsonObject p = processor.getAsJsonObject();
        JsonElement type = p.get("type");
        String kind = type != null && type.isJsonPrimitive() ? type.getAsString() : "";
        JsonElement processors = p.get("processors");
        if (kind.equals("Sequence") && processors != null && processors.isJsonArray()) {
            int n = in;
            for (int i = 0; i < processors.getAsJsonArray().size(); i++) {
                n = encodingsAfter(file, processors.getAsJsonArray().get(i), path + ".processors[" + i + "]", n, pair,
                        special);
            }
            return n;
        }
        if (!kind.equals("TemplateProcessing")) {
            return in;
        }
        if (in != 1 && in != 2) {
            throw new IOException(file + ": " + path + " is a TemplateProcessing after another, which hands it " + in
                    + " encodings for a " + (pair ? "pair" : "single text") + (special ? "" : " without special tokens")
                    + "; expected it to get 1 or 2 (a text or a pair), the only counts the tokenizers library's"
                    + " template takes (it aborts the process on others)");
        }
        JsonElement pieces = p.get(in == 1 ? "single" : "pair");
        int out = 0;
        if (pieces != null && pieces.isJsonArray()) {
            for (JsonElement piece : pieces.getAsJsonArray()) {
                boolean isSpecial = piece.isJsonObject() && piece.getAsJsonObject().has("SpecialToken");
                out += !isSpecial || special ? 1 : 0;
            }
        }
        return out;
    }

    private static void checkTemplate(Path file, JsonElement processor, String path) throws IOException {
        if (processor == null || !processor.isJsonObject()) {
            return;
        }
        JsonObject p = processor.getAsJsonObject();
        JsonElement processors = p.get("processors");
        if (processors != null && processors.isJsonArray()) {
            for (int i = 0; i < processors.getAsJsonArray().size(); i++) {
                checkTemplate(file, processors.getAsJsonArray().get(i), path + ".processors[" + i + "]");
            }
        }
        JsonElement defined = p.get("special_tokens");
        Set<String> ids = defined != null && defined.isJsonObject() ? defined.getAsJsonObject().keySet() : Set.of();
        for (String id : ids) {
            checkSpecialToken(file, defined.getAsJsonObject().get(id), path + ".special_tokens[\"" + id + "\"]");
        }
        for (String template : List.of("single", "pair")) {
            JsonElement pieces = p.get(template);
            if (pieces == null || !pieces.isJsonArray()) {
                continue;
            }
            int textsA = 0;
            for (int i = 0; i < pieces.getAsJsonArray().size(); i++) {
                JsonElement piece = pieces.getAsJsonArray().get(i);
                JsonElement special = piece.isJsonObject() ? piece.getAsJsonObject().get("SpecialToken") : null;
                JsonElement id = special != null && special.isJsonObject() ? special.getAsJsonObject().get("id") : null;
                if (id != null && !(id.isJsonPrimitive() && ids.contains(id.getAsString()))) {
                    throw new IOException(file + ": " + path + "." + template + "[" + i + "].SpecialToken.id "
                            + id + " is not defined in " + path + ".special_tokens; expected one of " + ids);
                }
                JsonElement sequence = piece.isJsonObject() ? piece.getAsJsonObject().get("Sequence") : null;
                JsonElement which = sequence != null && sequence.isJsonObject() ? sequence.getAsJsonObject().get("id")
                        : null;
                String text = which != null && which.isJsonPrimitive() ? which.getAsString() : "";
                textsA += text.equals("A") ? 1 : 0;
                if (template.equals("single") && text.equals("B")) {
                    // the library indexes the second text of the pair a single text lacks, and panics
                    throw new IOException(file + ": " + path + ".single[" + i + "] is the second text (Sequence B);"
                            + " expected the template of a single text to hold only its one text (Sequence A)");
                }
            }
            if (template.equals("single") && textsA == 0) {
                // the library drops the text, so no count of its tokens prefine takes (without
                // special tokens) is the one the library truncates, whose stride assertion panics
                throw new IOException(file + ": " + path + ".single holds no Sequence A; expected the template of a"
                        + " single text to hold the text, which the tokenizers library would otherwise drop");
            }
        }
    }

    /**
     * Refuses a special token of a template whose ids and token strings differ in number, which
     * Hugging Face's own constructor refuses; loaded from a file, the library builds encodings
     * whose arrays differ in length.
     */
    private static void checkSpecialToken(Path file, JsonElement token, String path) throws IOException {
        JsonObject t = token != null && token.isJsonObject() ? token.getAsJsonObject() : null;
        JsonElement ids = t == null ? null : t.get("ids");
        JsonElement tokens = t == null ? null : t.get("tokens");
        if (ids != null && ids.isJsonArray() && tokens != null && tokens.isJsonArray()
                && ids.getAsJsonArray().size() != tokens.getAsJsonArray().size()) {
            throw new IOException(file + ": " + path + " has " + ids.getAsJsonArray().size() + " ids but "
                    + tokens.getAsJsonArray().size() + " tokens; expected one token string for each id");
        }
    }

    /**
     * Refuses a BPE model whose merges the native library would abort the process on while loading
     * it: with a {@code continuing_subword_prefix}, it names each merge's result as the first
     * piece followed by the second piece less as many bytes as the prefix has, cut blindly, so a
     * second piece shorter than the prefix, or cut inside a character, panics. Merges are read as
     * the library reads them, in order, up to the first it refuses itself (a piece or result
     * outside the vocabulary, a malformed merge), which it reports without aborting.
     *
     * @param shown the file as messages name it
     * @param model the file's {@code model} element, or null
     * @throws IOException naming the file, the merge's JSON path, the prefix and what was expected
     */
    static void checkMergePrefix(String shown, JsonElement model) throws IOException {
        JsonObject m = model != null && model.isJsonObject() ? model.getAsJsonObject() : null;
        JsonElement type = m == null ? null : m.get("type");
        JsonElement prefix = m == null ? null : m.get("continuing_subword_prefix");
        if (type == null || !type.isJsonPrimitive() || !type.getAsString().equals("BPE") || prefix == null
                || !prefix.isJsonPrimitive() || !prefix.getAsJsonPrimitive().isString() || prefix.getAsString().isEmpty()) {
            return;
        }
        JsonElement vocab = m.get("vocab");
        JsonElement merges = m.get("merges");
        if (vocab == null || !vocab.isJsonObject() || merges == null || !merges.isJsonArray()) {
            return;
        }
        List<String[]> pairs = new ArrayList<>();
        for (JsonElement e : merges.getAsJsonArray()) {
            String[] pair = null;
            if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
                pair = e.getAsString().split(" ", -1);
            } else if (e.isJsonArray() && e.getAsJsonArray().size() == 2 && e.getAsJsonArray().get(0).isJsonPrimitive()
                    && e.getAsJsonArray().get(1).isJsonPrimitive()) {
                pair = new String[] {e.getAsJsonArray().get(0).getAsString(), e.getAsJsonArray().get(1).getAsString()};
            }
            if (pair == null || pair.length != 2) {
                // the library refuses the merges before it builds any
                return;
            }
            pairs.add(pair);
        }
        JsonObject v = vocab.getAsJsonObject();
        byte[] p = prefix.getAsString().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < pairs.size(); i++) {
            String a = pairs.get(i)[0];
            String b = pairs.get(i)[1];
            if (!v.has(a) || !v.has(b)) {
                return;
            }
            byte[] second = b.getBytes(StandardCharsets.UTF_8);
            if (second.length < p.length || (second.length > p.length && (second[p.length] & 0xC0) == 0x80)) {
                throw new IOException(shown + ": $.model.merges[" + i + "] merges " + new JsonPrimitive(a) + " with "
                        + new JsonPrimitive(b) + ", which " + (second.length < p.length ? "is shorter than" : "splits a"
                        + " character at the length of") + " $.model.continuing_subword_prefix " + prefix
                        + "; expected a second piece that starts with the prefix, which the tokenizers library cuts"
                        + " from it by length (aborting the process where it cannot)");
            }
            if (!v.has(a + new String(second, p.length, second.length - p.length, StandardCharsets.UTF_8))) {
                return;
            }
        }
    }

    /**
     * Reads the id a Unigram model gives unknown text.
     *
     * @param model the file's {@code model} element, or null
     * @return its {@code unk_id}, or -1 for another model or one without a whole non-negative {@code unk_id}
     */
    static int unigramUnknownId(JsonElement model) {
        if (model == null || !model.isJsonObject()) {
            return -1;
        }
        JsonObject m = model.getAsJsonObject();
        JsonElement type = m.get("type");
        JsonElement unk = m.get("unk_id");
        if (type == null || !type.isJsonPrimitive() || !type.getAsString().equals("Unigram") || unk == null
                || !unk.isJsonPrimitive() || !unk.getAsJsonPrimitive().isNumber()) {
            return -1;
        }
        double id = unk.getAsDouble();
        return id >= 0 && id <= Integer.MAX_VALUE && id == Math.rint(id) ? (int) id : -1;
    }

    /**
     * Refuses a model whose token for unknown text is not in its vocabulary: a WordPiece or
     * WordLevel model's {@code unk_token} ({@code [UNK]} when absent), a BPE model's where it names
     * one, a Unigram model's {@code unk_id}, which it must have (null included). The native library
     * loads such a file, then fails at the first unknown word with {@code MissingUnkToken} or
     * {@code MissingUnkId}, which DJL's binding unwraps into a panic that aborts the JVM when the
     * word is met in a batch. A byte-level BPE model whose vocabulary covers every byte (see
     * {@link #coversEveryByte}) never looks its unknown token up, and is accepted without it.
     *
     * @param file the file, for the message
     * @param model its {@code model} element, or null
     * @param pre its {@code pre_tokenizer} element, or null
     * @throws IOException naming the file, the token and what was expected
     */
    static void checkUnknownToken(Path file, JsonElement model, JsonElement pre) throws IOException {
        if (model == null || !model.isJsonObject()) {
            return;
        }
        JsonObject m = model.getAsJsonObject();
        JsonElement type = m.get("type");
        JsonElement vocab = m.get("vocab");
        String kind = type != null && type.isJsonPrimitive() ? type.getAsString() : "";
        if (kind.equals("Unigram") && vocab != null && vocab.isJsonArray()) {
            JsonElement unk = m.get("unk_id");
            if (unk == null || unk.isJsonNull()) {
                // byte_fallback does not help: the library fails before it falls back
                throw new IOException(file + ": $.model.unk_id is " + (unk == null ? "absent" : "null")
                        + "; expected the place in $.model.vocab of the token unknown text becomes");
            }
            if (unk != null && unk.isJsonPrimitive() && unk.getAsJsonPrimitive().isNumber()
                    && unk.getAsLong() >= vocab.getAsJsonArray().size()) {
                throw new IOException(file + ": $.model.unk_id " + unk + " is past the " + vocab.getAsJsonArray().size()
                        + " entries of $.model.vocab; expected the place of the token unknown text becomes");
            }
            return;
        }
        if (vocab == null || !vocab.isJsonObject()) {
            return;
        }
        JsonElement unk = m.get("unk_token");
        String token;
        if (unk != null && unk.isJsonPrimitive()) {
            token = unk.getAsString();
        } else if ((kind.equals("WordPiece") || kind.equals("WordLevel")) && unk == null) {
            token = "[UNK]";
        } else {
            return;
        }
        if (!vocab.getAsJsonObject().has(token)
                && !(kind.equals("BPE") && coversEveryByte(m, vocab.getAsJsonObject(), pre))) {
            throw new IOException(file + ": $.model.unk_token \"" + token + "\" is not in $.model.vocab; expected one"
                    + " of its entries, the token unknown text becomes");
        }
    }

    /**
     * Tells whether a BPE model finds every piece of any text in its vocabulary, so never needs
     * its unknown token: with {@code byte_fallback}, a piece it lacks becomes one {@code <0xXX>}
     * token a byte, all 256 of which it holds; after a {@code ByteLevel} pre-tokenizer (which
     * only splitting ones may follow), every character is one of the 256 that stand for bytes,
     * each of which it holds with and without its {@code continuing_subword_prefix} and {@code
     * end_of_word_suffix}.
     */
    private static boolean coversEveryByte(JsonObject model, JsonObject vocab, JsonElement pre) {
        JsonElement fallback = model.get("byte_fallback");
        if (fallback != null && fallback.isJsonPrimitive() && fallback.getAsBoolean()) {
            boolean all = true;
            for (int b = 0; b < 256 && all; b++) {
                all = vocab.has(String.format("<0x%02X>", b));
            }
            if (all) {
                return true;
            }
        }
        if (!endsInByteLevel(pre)) {
            return false;
        }
        List<String> prefixes = affixes(model.get("continuing_subword_prefix"));
        List<String> suffixes = affixes(model.get("end_of_word_suffix"));
        int next = 256;
        for (int b = 0; b < 256; b++) {
            // GPT-2's mapping: printable bytes stand for themselves, the others for U+0100 onwards
            boolean printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
            String c = String.valueOf((char) (printable ? b : next++));
            for (String p : prefixes) {
                for (String x : suffixes) {
                    if (!vocab.has(p + c + x)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The empty string, and the affix where the model names one. */
    private static List<String> affixes(JsonElement affix) {
        return affix != null && affix.isJsonPrimitive() && !affix.getAsString().isEmpty()
                ? List.of("", affix.getAsString()) : List.of("");
    }

    /** Whether a pre-tokenizer maps text to byte characters last: ByteLevel, alone or followed by splitters. */
    private static boolean endsInByteLevel(JsonElement pre) {
        if (pre == null || !pre.isJsonObject()) {
            return false;
        }
        JsonObject o = pre.getAsJsonObject();
        String type = o.has("type") ? o.get("type").getAsString() : "";
        if (!type.equals("Sequence")) {
            return type.equals("ByteLevel");
        }
        JsonElement members = o.get("pretokenizers");
        if (members == null || !members.isJsonArray()) {
            return false;
        }
        boolean byteLevel = false;
        for (JsonElement member : members.getAsJsonArray()) {
            String t = member.isJsonObject() && member.getAsJsonObject().has("type")
                    ? member.getAsJsonObject().get("type").getAsString() : "";
            if (t.equals("ByteLevel")) {
                byteLevel = true;
            } else if (!(t.equals("Split") || t.equals("Punctuation") || t.equals("Digits"))) {
                // any other may add or change characters after the byte mapping
                byteLevel = false;
            }
        }
        return byteLevel;
    }

    /** A token id: getAsInt would read 1.5 as 1. */
    private static int id(Path file, JsonElement e, String what) {
        return JsonShapes.wholeInt(e, what,
                (at, expected, found) -> new IllegalArgumentException(file + ": " + at + ": expected " + expected
                        + ", found " + found));
    }
}
