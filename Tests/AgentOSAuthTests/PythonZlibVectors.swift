import Foundation

/// Streams compressed by Python's `zlib` (CPython 3, zlib 1.x), to check ``ZlibInflater``
/// against an independent compressor: (name, base64url stream, SHA-256 of the output, length).
enum PythonZlibVectors {
    static let all: [(name: String, stream: String, sha256: String, count: Int)] = [
        ("sparse 1-bit list, level 9 (dynamic Huffman)", sparse, "0cdef19413fb78f3344950ab01ada5566c6cc4bb0df30cab779db9181f19a407", 16384),
        ("bytes 0-255 three times, level 0 (stored)", stored, "f3a25aa93aa2fbba28d79260535bbd6a5eb0fc1c24a8b0f04e12b484c1dfe363", 768),
        ("text with matches, level 6 (dynamic Huffman)", text, "aa60dc70ba63dfb094e0eb4737c18561132c90cb0eb88b21912380a46579df65", 3974),
        ("the same text, Z_FIXED (fixed Huffman)", fixed, "aa60dc70ba63dfb094e0eb4737c18561132c90cb0eb88b21912380a46579df65", 3974),
    ]

    static let sparse = "eNrt2cEJADAIADGFDq6bO0YVkhHuex0fZbDOkwAAAAAAAADgIAseAAAAAAAAAM6rAdmqAQg"
    static let stored =
        [
            "eAEBAAP__AABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9AQUJDREVGR0hJSk",
            "tMTU5PUFFSU1RVVldYWVpbXF1eX2BhYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ent8fX5_gIGCg4SFhoeIiYqLjI2Oj5CRkpOUlZaXmJmam5yd",
            "np-goaKjpKWmp6ipqqusra6vsLGys7S1tre4ubq7vL2-v8DBwsPExcbHyMnKy8zNzs_Q0dLT1NXW19jZ2tvc3d7f4OHi4-Tl5ufo6err7O3u7_",
            "Dx8vP09fb3-Pn6-_z9_v8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4_QEFC",
            "Q0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo-QkZKTlJ",
            "WWl5iZmpucnZ6foKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr_AwcLDxMXGx8jJysvMzc7P0NHS09TV1tfY2drb3N3e3-Dh4uPk5ebn",
            "6Onq6-zt7u_w8fLz9PX29_j5-vv8_f7_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OT",
            "o7PD0-P0BBQkNERUZHSElKS0xNTk9QUVJTVFVWV1hZWltcXV5fYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6e3x9fn-AgYKDhIWGh4iJiouM",
            "jY6PkJGSk5SVlpeYmZqbnJ2en6ChoqOkpaanqKmqq6ytrq-wsbKztLW2t7i5uru8vb6_wMHCw8TFxsfIycrLzM3Oz9DR0tPU1dbX2Nna29zd3t",
            "_g4eLj5OXm5-jp6uvs7e7v8PHy8_T19vf4-fr7_P3-_6BifpA",
        ].joined()
    static let text =
        [
            "eJx9VwuOLCEIvEpfTcXv_Q_wFChAd_KSzc60rQhVUDCdSi6FPkpf73n0RPnL5N_3-uxtrNEqhW95rf24P2deaX9tLVOmQe0cxmLOnUbp31grja",
            "_UttrI-UtjlWqbqBNN_Q-rpaf9un21l71YZytN3uX0tVFXzrOXr4yzbZ0DddlTolqo95G_MhPtozN9dT-5h33Wfk7MORt9o-S21Dptu2mZh1dY",
            "4oXsdsviMRuyqGWn79n-zXOK8qrAQgM0EM4rPBhQwG9VAwgecgxARj5khx1m7J5TjIPhV3tLo5W9nrtsDz6zw3x6u7_dWl3W5GJ1zPdrWPb865",
            "Z5Qyeomb83WxpThRNubxpdwsUBx7LVXRSX2VTSB2TI2Bv4GABPpc9jVB-rpcPmf-2EVzDtljFGzfvyGgoCO0OJpBCTne1ab-K8hyUpx67vklOP",
            "NvTYDyYlxFMjcyM-u21AMig1v8pAYDiRX3Ht-3bIVzZwPoYVrb29zUVC0VIanfmU6qi0WoAJYQWLSEnJfPgWkoXUL0JywWfdKcxnF4sbKcE3XK",
            "i4SChWOydBjh2n7bB_OeccceLwP9T4H815cvzBUUgWvdo-wPMZ8Xvz3d94aeMi0ccUE5LZMJJCgR634S-gBGR-G8Njx6GDCge_hNNGQ44dwqFL",
            "lqHuhOMklJ5AfO2wolIY6HjkA51hoUZu2kXbxdgVsoTCxt-EgZ8UIbZrf2raVVawZ_mK0jAcQxvpQawoZBQo2cf_NB3Yg8hq4Z9QnXkTM8cTKY",
            "_GFKm41EmK4u1bXskzdsLg6ZRSWq6h2kbEw9BELC8mFONg6N5Xpzaj37yt4iArPup7I2t5NjI1T5pvi34TnHts3GmoyDnjslsIMHo1f6q2FDtl",
            "uF0F420dWITwLd0EQHQq2xDcEwjCAumfjwmPZMXEnnQf_QP1LZtWw-oRPuWYJ0XIem_d6Ksr5K41ebviuK07QZjHHXpIKBuXB4AbFJBHAGvVTA",
            "zqh3uCKMFVRTxDQA2gDucFFs0eN0_XZt3riHrUglBQYrnPIZMNwOhnc3zSwudTZxAzy4i779HjBBIGDbtwxjE_TOHg-HBqqcrQyewVO2lQdFci",
            "6wFhqHfGkIliEggHQ4eyU8mBxop1O61yH3n59TvlnvxCOzRvtWIwvkWfJFyVx7eyqkggd5S7B1HyNgRZXEEVwixL9oNCskN_jNzTBV46vzbz_U",
            "9J_MJYh0H071uu8UwanFbINVxnHSUm-SgV5MXTOyjuNTH4AKnNTXGuGEdNtaEnj65IJTD2kl8-SLFHOB9kWGcBfl0N3zN17rRhg6rvYbYLDS_M",
            "YspEkKrr95xNdPLTks3FGcbywpsB3_YP7z2Fcw",
        ].joined()
    static let fixed =
        [
            "eAFLT0lOSk5OUUhJVEhPT8pIT0xJUkhKQbCB4pnpaRlZGWmpKUispKwsIBdIZyZlJQKZaWlJKUkpGSlpIM0wwaSk9JSM5HSFjKysxAyF5NS0rL",
            "SMpCSFxIys5FS4opT0lJRMKAkzNTk9ESidppCangwUTM1MS06DyCUlKqRlpGYlJWWmJyskZ4CUZYE0pGbBeYkpqckp6ekZSQrJmYkpQK2ZiQqp",
            "QB7ChemZqekgHZmZmWkpChnJSWlZUNNTgOYmZsFdiOItiCsgqhEmQ1wMNgjua4hKhBqg-zJBulKSslJhYQH1IDwQQFIwDjygYOGXlQoPIJgLwX",
            "6AhQyEgqiAawaHHZoucDjAwy81PS0xIy0ZKJ6UDlGO5Gawg8G6gc4HOisrHSIGsRjqMIR6qLfgfGy2ZKIGHSTU4O5FjS2on1JhjkCYlwmPLkhc",
            "gAIHnloRToQ4GWxUIpQDSyEZQAVgbbAAT0xOzwQZCuWmwpMDMP6zgAkeGphwWzIyMlKTgJanImUImEqkLJKI5Ce43nRofoM4HuEtSJIDOx2Y5a",
            "AuAgY9TD0sJiFeBOWRTGCIZ6bDFcASAzRqsGUDSDCAfI7iL6B9QC-jpAZwekQSgeY9oDJEIQENLWg0ImI-MTE1IzUlKw0pmGDeQjIRliQhKR_m",
            "NqTEkgJ1VwosccHcDFUJifkkRGGBGlKQ8EWyEBouEK_A8w4ogYDMQUQbKPZRHIeII3DCAROwPI5R5qClcbRwhEQypLwCugHm8kzk8ENP7wgZRN",
            "aGWQQpHxOREyQ4NuCRhJRBQc6GuRcWlLAgQ9gGDh64dlg5CA0OsCTM0fBoSEKuIRBBlwhPoQhHIMIJEqUgjyDEQLECLQqRogOt-IDVDFmwPIIa",
            "7ZCyHWIYipchXgEbjp5gYO5MQQ5iuLVYyzSUbAUzD55eYVkDHo5I1Ug6UmGVgpSiYFEC1I5R6cDMgxWy0IwP8ioi5uGFGSI8YUkeVjEhRwVK6Q",
            "TJFOj1FiInZyLXhEguzYRkpSxEGQqtRiAuRKpE4OkiE1ZigMIQ4fpURNQmweob9KoCFLIQN0Ll4ZGVhUiN4KhBS-ZAExE2wRyHZgZqMoSGHCLG",
            "IaohEQCPXmj6SYVWKXBd8HBDyTCIah0WFkjehyc3SADCaiq4AiTnQYIASSAFihDNBLQiCzlhZ6agasUIatRiE56HoS6C0RBtiESBlOoRVTesXs",
            "1CSrvwSh5uBcjZUJWwCEP4G6kOQco2iOIBFrhIJSC4CQCvqsERA8s_4DoBUhKg5CJwGwJWGsBKB5AETBBuHrjyRJTNULWIEEX4GhJCSCUxxD5E",
            "kEEUwMIIa-WIliwQ7VNEDMLaLBnIqlGbHiCPIDU04BZmIjfzkVrhsDgGxSk8qYKDDtL2Qq5JkUp0REkErwOQGvWIGIOlRIiRsBBGMggUZaCcjB",
            "SNqTBxuG5ocY8cL9j6KagtP6TqEO5aaI6BNd-Q3QTxLrR4RM9ZqZAiEFyjoNZBKYmIaghWLGYhlQpIbdkUeIcCkjqgnRHU1gVMEhG_8DYfvpIE",
            "YSFyPkQq9FFtQWmeQSo4aA5BaVwnQZsSmSmIphRS8YJI3kglLkqLAdGAhFZu0HBOhTVH4aU2rDxBK1cgOQEc9pD0hWhIgV0E049UDEPbAmDpVH",
            "j4glqdwGQDNhBaviO17ZAqPKS2GDQmkIoqlP4cvEUH6VqCjUNuw8DTBaIyANsGAO89hXM",
        ].joined()
}
