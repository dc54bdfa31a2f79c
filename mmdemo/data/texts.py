"""Hand-written customer messages for every intent, and the machinery that fills and styles them.

The data builder calls :func:`make_text` (one utterance + its slot values), :func:`pointer_text` (rule R1: text
that only points at the attached image) and :func:`arrival_text` (rule R3: "this is what arrived").

Every sentence here is written for this project. Skeletons carry ``{placeholders}`` (see ``SLOT_KEYS``) that are
filled per call. The train and test pools (skeletons, products, pointer/arrival phrases, and the framing sentences
that add context, politeness or anger) are disjoint, so the held-out test split measures generalisation to phrasings
the model never saw.

Styles:
  * ``typed``  - chat text: may get typos, chat shorthand, missing apostrophes, all-lowercase, US/UK spelling.
  * ``spoken`` - what a person would say into a microphone: no typos or symbols, numbers spelled out the way a
    TTS engine reads them ("A 2 0 9 3 1", "49 pounds 99"), sometimes starting with "um," or "hi, so".

Only the ``rng`` passed in is used, so one seed always yields the same text.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from mmdemo.schema import INTENTS, TONES

STYLES: tuple[str, ...] = ("typed", "spoken")

# Every placeholder a skeleton or framing sentence may use; make_text returns a slots dict keyed by these names.
#   date: a bare calendar date ("3 March", "12/04", "the 5th") that follows on/by/since/before
#   when: a relative time that stands alone ("last Tuesday", "yesterday", "on 3 March")
SLOT_KEYS: tuple[str, ...] = ("product", "product2", "order", "date", "when", "amount", "days", "colour",
                              "colour2", "size", "size2", "app", "error_code", "city")

# --------------------------------------------------------------------------------------------------------------------
# Skeletons
# --------------------------------------------------------------------------------------------------------------------

# Each intent's list has two batches. The second (2026-11-30) was written to widen the phrasings: other verbs and
# idioms, indirect requests, fragments, longer messages with context, other product domains. Its writers had not
# seen the test pool, and the few of its sentences within 0.75 (difflib ratio, normalised) of a test skeleton were
# dropped all the same.
TRAIN_SKELETONS: dict[str, list[str]] = {
    "greeting": [
        "Hi",
        "Hello",
        "Hey there",
        "Good morning",
        "Good afternoon",
        "Good evening",
        "Hi, anyone there?",
        "Hello, is this the support chat?",
        "Hey, how are you?",
        "Morning!",
        "Hiya",
        "Thanks a lot",
        "Thank you so much",
        "Thanks, that's all I needed",
        "That's all, thanks",
        "Cheers, bye",
        "Bye",
        "Goodbye",
        "See you",
        "Have a nice day",
        "Great, thank you for your help",
        "Perfect, thanks",
        "OK thanks, bye",
        "Thanks for sorting that out",
        "No, that's everything. Thanks!",
        "Nothing else, thank you",
        "Hello there, nice to meet you",
        "Hi, I'm new here",
        "Yo",
        "Hello hello",
        "Thanks again, have a good one",
        "Much appreciated",
        "You've been very helpful, thank you",
        "Alright, that's it from me",
        "Take care, bye",
        "Hi, good morning to you",
        "Hey, just popping in to say hello",
        "Thank you, all good now",
        "Lovely, thanks very much",
        "Hi team",
        "Greetings",
        "Ok great, thanks for your time",
        "Bye for now",
        "Thanks, have a great weekend",
        "Hello, hope you're well",
        "Evening",
        "Cool, thanks",
        "Brilliant, cheers",
        "Ta very much",
        "That helped, thank you",
        "Nice one, thanks!",
        "Good night",
        "Thank you kindly",
        "Sorted, thanks a million",
        # second batch (2026-11-30)
        "Hey, quick hello before I head off",
        "Hello, is someone available to chat?",
        "Is anybody on the other end?",
        "Just wanted to say you've been a great help",
        "That answers my question, cheers",
        "Okay, I think I'm all set",
        "Appreciate it",
        "I'm grateful for the quick reply",
        "That's me done for today, bye",
        "Speak soon",
        "Right, I'll leave it there",
        "All done here, goodbye",
        "Much obliged",
        "Thanks for being so patient with me",
        "Hello again, it's me from earlier",
        "Afternoon all",
        "Pleasure chatting with you, take care",
        "You're a star, thank you",
        "Wonderful, that's exactly what I needed to know",
        "Great, I'll let you go now",
        "Nope, nothing more from me",
        "Have a lovely evening",
        "Enjoy the rest of your day",
        "Many thanks for your assistance",
        "Great stuff, that's me sorted",
        "Just saying hi, it's my first time using this chat",
        "Thank you, the {product} arrived safely in the end",
        "Thanks for sorting out order {order} so quickly",
        "Cheers for the help with my {product}",
        "Thank you for getting back to me {when}",
        "Got my {product} today and my son loves it, thank you for all your help",
        "Hello from {city}",
        "Thanks for the {amount} voucher, that was very kind",
        "I wanted to thank the person who helped me on {date}",
        "Bye for now, I'll be back when I need another {product}",
        "Thanks, I'll leave a good review for the {product}",
        "Lovely, the {colour} one is perfect, thanks again",
        "Hello, I spoke to one of your colleagues {when} and just wanted to say thanks",
    ],
    "order_status": [
        "Where is my order?",
        "Where is my {product}?",
        "Can you tell me where order {order} is?",
        "My parcel still hasn't arrived.",
        "I ordered the {product} {when} and it still hasn't turned up.",
        "When will my order arrive?",
        "Tracking for {order} please",
        "The tracking page hasn't updated in {days} days.",
        "Has my order been shipped yet?",
        "Any update on order {order}?",
        "What's the delivery date for my {product}?",
        "It was supposed to arrive on {date} but there's nothing yet.",
        "My package is late.",
        "Order status {order}",
        "Could you check the status of my order?",
        "The courier says delivered but I never got it.",
        "When should my order reach me in {city}?",
        "Is my {product} out for delivery today?",
        "I've been waiting {days} days for my parcel.",
        "Can I get a tracking number for order {order}?",
        "The tracking link you sent doesn't show anything.",
        "Still no sign of my delivery.",
        "I was told it would be here by {date}. Where is it?",
        "Has order {order} left the warehouse?",
        "My order has said processing for {days} days now, is it actually moving?",
        "Why hasn't my order been dispatched?",
        "When is {order} going to be delivered?",
        "Expected delivery for my {product}?",
        "Is there a delay with my order?",
        "I need the {product} before {date}, will it arrive in time?",
        "The parcel has been stuck in {city} for a week.",
        "Where's my stuff",
        "Tracking has said in transit since {date}. Any news?",
        "Can you find out which courier has my parcel?",
        "I'm wondering whether my order has actually been sent.",
        "Just checking on the delivery of order {order}.",
        "My {product} was meant to come yesterday.",
        "How much longer until my delivery?",
        "Package location please",
        "Nothing has arrived yet for order {order}.",
        "What is happening with my order? It's been {days} days.",
        "Could you let me know when my parcel will be delivered?",
        "Order {order} not arrived",
        "Did my order ship?",
        "Can you give me an ETA on my {product}?",
        "The app shows my order as delayed, what does that mean for the delivery date?",
        "It's {date} today and my parcel is still not here.",
        "I'd like an update on my delivery, it's for my daughter's birthday.",
        "The driver never showed up with my package.",
        "My order has been stuck on preparing for ages.",
        "Is my parcel lost?",
        "Which day will my order be delivered?",
        "The tracking number {order} isn't recognised on the courier's website.",
        "Hi, when can I expect order {order}?",
        "I'm waiting on a delivery, can you check where it is?",
        # second batch (2026-11-30)
        "I haven't received a dispatch email for order {order} yet.",
        "The courier's text said my parcel would come between nine and one, and now it's evening with nothing.",
        "Any idea what day the {product} will land?",
        "Tracking shows my parcel went back to the depot, what's going on?",
        "Bit of a wait on my {product}, is it on its way?",
        "I was wondering whether you could give me a rough idea of when my order will turn up.",
        "The {product} I bought was due {when} and nobody came.",
        "Order placed {when}, still says awaiting dispatch.",
        "Has the courier collected my parcel from your warehouse yet?",
        "My tracking just says label created and nothing after that.",
        "I need to know if I should stay home tomorrow to wait for my delivery.",
        "Is the {product} going to get here before Christmas?",
        "We're a business customer waiting on bulk order {order} for our office, what's the expected delivery date?",
        "The present for my niece hasn't arrived and her party is on {date}.",
        "Status of my shipment?",
        "Delivery update?",
        "The app has shown out for delivery all day and it's almost nine at night.",
        "The last scan on my package was at a sorting hub in {city}, is it still moving?",
        "You emailed me to say my order had shipped, but the courier has no record of it.",
        "I can't find any tracking info for the books I ordered.",
        "What's the hold-up with order {order}?",
        "I got a card through the door saying they tried to deliver, so where is my parcel now?",
        "Could you chase the courier for me? My order is overdue.",
        "How many more working days until my order gets here on standard shipping?",
        "Is my order in the post yet?",
        "I paid for next-day delivery and it's been {days} days with no parcel.",
        "Which courier is bringing my {product}, and do you have a reference number for it?",
        "Tracking says it was left with a neighbour, but none of my neighbours have it.",
        "Just need an estimated arrival time.",
        "Only part of my order has come so far, when is the rest due?",
        "Wondering where the {colour} jumper I ordered has got to.",
        "The toy set I ordered for my son still hasn't shown up, any news?",
        "I've checked my emails and there's no shipping confirmation, has it actually gone out?",
        "Can I see where the delivery driver is right now?",
        "Order {order} says delivered to the parcel locker but I've had no collection code.",
        "It's my first order with you, so I'm not sure how long it takes: when will it actually be delivered?",
        "Has something happened to my parcel? The tracking has gone quiet for a week.",
        "Shipping status for the {product} and the {product2} please",
        "I'm going away on {date}, will my parcel come before then?",
        "The stand mixer I ordered is nowhere to be seen.",
    ],
    "cancel_order": [
        "I want to cancel my order.",
        "Please cancel order {order}.",
        "Cancel my order please",
        "Can I still cancel the {product} I ordered?",
        "I changed my mind, please cancel the order before it ships.",
        "How do I cancel an order?",
        "I ordered the {product} by mistake, can you cancel it?",
        "Cancel {order}",
        "I placed a duplicate order, please cancel one of them.",
        "Is it too late to cancel my order from {date}?",
        "I don't need the {product} anymore, stop the order please.",
        "Please don't send my order, I want to cancel it.",
        "Can you cancel the order before it is dispatched?",
        "I'd like to cancel order {order} before it goes out.",
        "Cancel the whole order",
        "Can I cancel just the {product} from my order?",
        "I accidentally ordered the {product} twice, please cancel one.",
        "Please stop my order from being shipped.",
        "I found it cheaper elsewhere, cancel my order.",
        "How can I cancel the order I just placed?",
        "Need to cancel an order urgently.",
        "Cancellation request for order {order}.",
        "I want to call off my order.",
        "Can you void my order {order}?",
        "Scrap my order please.",
        "Please cancel it, the order is taking too long to ship.",
        "I no longer want order {order}, please cancel it.",
        "Where is the cancel button for my order?",
        "I ordered the wrong size myself, can I cancel before it goes out?",
        "Please cancel my repeat order of the {product}.",
        "My order hasn't shipped yet, so can you cancel it?",
        "Please cancel everything I ordered {when}.",
        "I'd like to withdraw my order.",
        "Cancel my order so I can reorder it in {colour}.",
        "Kill the order, I don't want it.",
        "I've been waiting {days} days, just cancel my order.",
        "Can you confirm my order {order} has been cancelled?",
        "I tried to cancel in the app but couldn't, please cancel order {order} for me.",
        "Don't ship the {product}, cancel it.",
        "I want to cancel the {product} I ordered for my husband.",
        "Is there a fee to cancel my order?",
        "Please cancel my pre-order for the {product}.",
        "I'm cancelling order {order}.",
        "Cancel it please, I ordered by mistake.",
        "Could you cancel the order I made this morning?",
        "Please cancel order {order}, I won't be home to receive it.",
        "Undo my order please, I clicked buy by accident.",
        "Can my order be cancelled if it's already packed?",
        "Please make sure order {order} never gets sent.",
        "I picked the wrong model by mistake when ordering, please cancel it.",
        "I want to cancel, how long until I get a confirmation?",
        "Stop order {order} please.",
        # second batch (2026-11-30)
        "I'd rather not go ahead with my purchase, can it be stopped?",
        "Please don't process order {order}, my plans have changed.",
        "I was wondering whether my order can still be cancelled, I only placed it an hour ago.",
        "I want to back out of my order.",
        "The party has been called off, so I no longer need the gift I ordered. Please cancel it.",
        "Our company placed order {order} in error, please cancel it.",
        "Order cancellation",
        "I'd like to cancel before you take the payment.",
        "Is there a way to cancel the order online, or do I have to go through you?",
        "I ordered the {product} in {size} and in {size2}, please cancel the {size2} one.",
        "Cancel the {colour} {product}, I'll keep the rest of the order.",
        "Could you halt the order I put through {when}? I don't need it after all.",
        "I want my order cancelled, not delayed.",
        "Is my order still cancellable?",
        "My partner already bought the same {product}, so please cancel mine.",
        "I measured again and the bookcase won't fit in the room, so I'd like to cancel that order.",
        "The delivery date is too late for me, please cancel the order instead.",
        "Please cancel rather than ship it, I'm moving abroad and won't need it.",
        "Order {order}: cancel, please.",
        "I placed an order on {date} and would like to cancel it now.",
        "Can I cancel one item from a multi-item order without cancelling the lot?",
        "Please cancel the order and confirm by email once it's done.",
        "I got an order confirmation email for something I didn't mean to buy, please cancel it.",
        "My child placed an order on my account without asking, please cancel it.",
        "I'm not going through with order {order}.",
        "What's the deadline for cancelling an order?",
        "If the {product} hasn't left your warehouse yet, I'd like to cancel it.",
        "I'd like to cancel my {amount} order from this morning.",
        "Can you cancel the most recent order on my account?",
        "The lipstick set I ordered, can that still be cancelled?",
        "I'd like to cancel the cot and the toys I ordered for the nursery.",
        "Don't bother sending order {order}, I'm cancelling it.",
        "Is it possible to cancel an order that's already been dispatched, or have I missed my chance?",
        "Please confirm the cancellation of order {order} and that I won't be charged for it.",
        "I need the {product} by {date} and it won't arrive in time, so please cancel the order.",
        "I ordered the {product} for a trip that has now been cancelled, so please cancel the order too.",
        "Please cancel my order completely, I don't want to receive anything.",
        "Take my order off the system before it gets sent out, please.",
    ],
    "change_address": [
        "I need to change my delivery address.",
        "Can you send order {order} to a different address?",
        "I've moved house, please update the address on my order.",
        "There's a typo in my address.",
        "Please deliver to my work address instead.",
        "Can I change the shipping address for the {product}?",
        "Wrong postcode on my order, can you fix it?",
        "I entered my old address by mistake.",
        "Please redirect my parcel to {city}.",
        "Can you change the delivery address to my neighbour's house?",
        "Update delivery address for {order}",
        "I want the parcel sent to my parents' address in {city}.",
        "How do I change the address on an order I already placed?",
        "My flat number is missing from the address.",
        "Change address please",
        "Is it possible to ship to a different address?",
        "I'm staying in {city} next week, can you deliver there instead?",
        "The house number on my order is wrong.",
        "Please update my shipping address before it ships.",
        "Could you change the delivery location of my order?",
        "I need the {product} delivered to my office instead of home.",
        "New address for order {order}, I moved out on {date}.",
        "I put the wrong street name in.",
        "Can you amend the delivery address?",
        "Please send it to a pickup point instead of my home.",
        "The address on my order is out of date.",
        "I spelled my street wrong, can you correct it?",
        "Can I get my order shipped to {city} rather than my billing address?",
        "Deliver to a different address please",
        "I'm not going to be at that address anymore, can you change it?",
        "Is there still time to change where my order goes?",
        "I'd like to edit the shipping details on order {order}.",
        "Please change the recipient address, it's a gift for my brother in {city}.",
        "The delivery address auto-filled wrong.",
        "Missing apartment number in my address, please add it.",
        "Change the delivery address to the one below.",
        "Can you swap the address on my order to my new place?",
        "I just moved to {city}, please update my delivery address.",
        "My address changed, can the parcel follow me?",
        "Redirect my delivery please.",
        "Please ship order {order} to my holiday address.",
        "Can I update the postcode on my order?",
        "Send my {product} to my sister's place instead.",
        "Oops, wrong address on my last order.",
        "Can I change the delivery address once it's shipped?",
        "Address correction needed for {order}.",
        "Can the courier bring it to my work instead?",
        "I typed my old flat by accident when I ordered the {product}.",
        "Please alter the delivery address on my latest order.",
        "How can I fix the address on my order?",
        "The zip code is wrong on my order.",
        # second batch (2026-11-30)
        "I'm moving on {date}, could the parcel go to my new place instead?",
        "I've just realised the delivery is going to my old flat, can that be changed?",
        "Is it possible to have the {product} shipped to {city} instead of the address I gave?",
        "The courier won't be able to get into my building, please send it to my office address instead.",
        "This is a business order, please ship it to our warehouse in {city} rather than my home address.",
        "I put my billing address in as the delivery address by mistake.",
        "I forgot to include the building name in my delivery address.",
        "It's a present for my mum, so I'd like it delivered to her house rather than mine.",
        "Delivery needs to go to a new postcode.",
        "Can the address on order {order} be switched to my partner's?",
        "The town on my delivery address is wrong, it should be {city}.",
        "Is it too late to change the delivery address now that it's been dispatched?",
        "I'd prefer to pick it up from a locker near my office, can you change the delivery to there?",
        "We've relocated our office, so order {order} needs to go to the new premises.",
        "Could you send order {order} to the hotel I'm staying at in {city}?",
        "The delivery address on my order is my student halls, but term has ended, so please update it.",
        "The checkout used an old saved address, please switch my order to where I live now.",
        "The wrong country is selected in my shipping address.",
        "Can I give you a new delivery address for the {product}?",
        "My door number is 14, not 41, on the shipping label.",
        "I'll be away that week, so I'd like it sent to a friend's house. How do I change the address?",
        "Can you edit the recipient's address on the gift order? I used mine instead of hers.",
        "Shipping address change for the {colour} {product}.",
        "I've just spotted that my order is set to go to my old office in {city}.",
        "I need a new address on the order I placed {when}.",
        "Postcode needs changing on my order.",
        "Could order {order} be delivered to the address below rather than the one on file?",
        "The address on my confirmation email is incomplete, it's missing the postcode and the county.",
        "I no longer live at the address I gave, please point the delivery somewhere else.",
        "Please send the sofa to our new house instead, we get the keys on {date}.",
        "Could the courier drop it at my parents' instead? I'll give you their address.",
        "Change of delivery address, order {order}.",
        "The delivery details on my order are wrong, that address belongs to my previous flat.",
        "Help me update where the {product} is being shipped.",
        "Is there any way to send a parcel that's already with the courier to my new address instead?",
        "My order for the books is heading to the wrong house, can you correct the address?",
        "Please ship to the address I've saved as Work instead of Home.",
        "I'd like to change where my order gets delivered.",
        "I'll be in {city} for {days} days, could the delivery go to my address there?",
        "The shipping label shows my old address, please update it to my current one before it goes out.",
    ],
    "return_refund": [
        "I want to return the {product}.",
        "How do I return an item?",
        "Can I get a refund for my {product}?",
        "The {product} doesn't fit, can I send it back?",
        "I changed my mind about the {product}, can I return it?",
        "Refund please",
        "I'd like my money back for order {order}.",
        "What is your return policy?",
        "How many days do I have to return something?",
        "The {product} is too small for me, I want to return it.",
        "It's fine but I just don't like it, can I send it back?",
        "Can I exchange the {product} for a bigger size?",
        "I'd like to return an unopened {product}.",
        "How do I get a return label?",
        "I bought the {product} {when} and want a refund.",
        "It was a gift and they don't want it, can I return it?",
        "Start a return for order {order}",
        "Can I return the {product} in store?",
        "I no longer need the {product}, it's still in the box. How do I return it?",
        "Do I get a full refund if I send it back?",
        "I don't like the colour now that I see it, I'd like to return it.",
        "Return request for {order}",
        "The {product} isn't what I expected, can I get my money back?",
        "How long does a refund take once you receive my return?",
        "Can I return part of my order?",
        "It's too tight, I'd like to send it back.",
        "I ordered two sizes and want to return the one that doesn't fit.",
        "Is return shipping free?",
        "I'd like a refund, I found it cheaper somewhere else.",
        "I'd like to exchange the {product} for the {colour} version, I prefer that colour.",
        "Return the {product} for a refund",
        "The {product} is too big for my desk, can I return it?",
        "I bought this for my mum but she already has one. Can I return it?",
        "How do I send back something I don't want?",
        "Refund for an unused item",
        "Can I return a sale item?",
        "It doesn't suit me, I want to return it.",
        "Where do I drop off a return?",
        "I'd like to send back order {order}, I don't need it anymore.",
        "Can I get store credit instead of a refund?",
        "Is it too late to return something I bought on {date}?",
        "Not happy with the {product}, it's just not for me. Money back please.",
        "How do I print the returns label?",
        "I want to return the {product}, it's unopened and still sealed.",
        "My kid doesn't want the {product} anymore, can we return it?",
        "Do you accept returns after {days} days?",
        "I need to return a present I was given.",
        "I'd like the refund to go to my original payment method for the {product} I'm sending back.",
        "The size is a bit off for me, can I return it for a refund?",
        "Return and refund for the {product} please.",
        "Can you arrange a collection for my return?",
        "I bought the wrong size myself, can I send it back for a different one?",
        # second batch (2026-11-30)
        "I was wondering whether I could still send back the {product} I bought {when}; I haven't used it at all.",
        "Ordered three dresses to try on at home and I'm keeping one. What do I do with the other two?",
        "Changed my mind on this one, so I'll be sending it back if that's alright.",
        "Is there a restocking fee if I return the {product}?",
        "The sofa looks lovely but it's far too big for our living room, so we'd like to return it.",
        "Could you tell me how to go about returning a book I no longer want?",
        "My husband bought the same {product} on the same day, so one of them needs to go back.",
        "Need a returns form for order {order}",
        "Do you do exchanges, or is it refunds only?",
        "The jacket fits fine, I just don't wear that style after all. Can it go back for a refund?",
        "I'd rather have the money back than a voucher for the trainers I'm returning.",
        "We ordered a few toys for a birthday party that got called off, and they're all still sealed. Can we send them back?",
        "Can I post the {product} back myself or does a courier have to collect it?",
        "The lipstick shade just isn't flattering on me and it's unused. Is it returnable?",
        "I'm still within the {days} day window, right? I'd like to return my {product}.",
        "Our office over-ordered desk chairs and we'd like to send six of them back for a refund to the company account.",
        "It's my second time returning something to you, is the process still the same as before?",
        "Do I need the original packaging to return something?",
        "The blender works perfectly, it's just louder than I'd like first thing in the morning, so I'd prefer to return it.",
        "What's the procedure for sending back a pair of boots and getting reimbursed?",
        "I got the email saying my return was approved, but nobody has told me how to ship the parcel back.",
        "I picked size {size} myself but should have gone for {size2}. Can I swap it or send it back?",
        "The printer is still boxed and I've decided I don't need it after all. Can I send it back?",
        "Returning the {product}, what address do I send it to?",
        "Which courier do you use for returns, and do I need to book it myself?",
        "Can someone with a gift receipt return a present without me being involved?",
        "The {product} was meant as a wedding gift, but the couple already got one from someone else. Could I return mine for a refund?",
        "Kindly process a return for the unworn shoes in order {order}.",
        "Could you post me a prepaid returns envelope? I don't have a printer for the label.",
        "If I return one item from a bundle, how much of the money do I get back?",
        "The {product} arrived fine but I'd ordered it by accident, so I'd like to return it unopened.",
        "Are opened books returnable, or only ones that are still in their wrapping?",
        "Just want to send this back and get a refund, there's nothing wrong with it.",
        "Can I drop my return at a post office instead of a parcel locker?",
        "What happens after I ship the {product} back to you?",
        "The curtains are the right size but the pattern clashes with our room, so we'd like a refund.",
        "I bought a few lamps to compare at home and I'm returning the ones I didn't pick.",
        "Money back on the {product}, please. I won't be using it.",
        "The {product} in {colour} doesn't go with anything I own, so I'd like to return it.",
        "Would you take back a kettle I've used once? It works fine, I just prefer my old one.",
    ],
    "damaged_item": [
        "My {product} arrived broken.",
        "The {product} came cracked.",
        "The box was crushed and the {product} inside is damaged.",
        "It arrived with a big dent in it.",
        "The screen on my {product} was cracked right out of the box.",
        "Brand new {product} and it was dead on arrival.",
        "The glass was shattered when I opened the parcel.",
        "My {product} arrived scratched all over.",
        "Item damaged in delivery",
        "The handle on the {product} had snapped off when I unpacked it.",
        "The {product} has a huge scratch and a chip on the side.",
        "It's leaking everywhere, the bottle was broken in the box.",
        "Received order {order} today and the {product} is smashed.",
        "One of the legs is bent.",
        "The {product} arrived in pieces.",
        "The packaging was soaked and the item is ruined.",
        "There's a crack running down the front of the {product}.",
        "The {product} was dead on arrival.",
        "It stopped working the moment I took it out of the box.",
        "The fabric is torn and there's a hole in it, straight out of the parcel.",
        "The casing is split and bits are rattling around inside.",
        "The {product} arrived chipped.",
        "The corner of the {product} is dented.",
        "My order came damaged, what can you do?",
        "The parcel was ripped open and the {product} was damaged.",
        "I just unboxed my {product} and it's faulty.",
        "Broken on arrival",
        "The screen has dead pixels straight out of the box.",
        "The {product} is bent out of shape.",
        "The zip was already broken when it arrived.",
        "It's damaged, can I get a replacement?",
        "It arrived snapped in two.",
        "The {product} is covered in scuffs and dents.",
        "I opened the box and the {product} was shattered.",
        "My {product} was delivered on {date} and it's already broken.",
        "The lid is cracked and won't close.",
        "The courier clearly dropped it, the {product} is smashed.",
        "Damaged goods received, order {order}.",
        "The {product} came with a broken plug.",
        "There's a hole in the {product}.",
        "The paint is chipped and there's a dent on top.",
        "The frame arrived warped.",
        "The box was fine but the {product} inside is cracked.",
        "Half of the set arrived broken.",
        "The {product} won't power on, it's been like that from the moment it arrived.",
        "My {product} has a big crack across the screen and I haven't even used it.",
        "Arrived damaged, I want a replacement or a refund.",
        "The strap was ripped when I opened it.",
        "Everything inside was soaked and damaged.",
        "It's dented and scratched, clearly mishandled in transit.",
        "The {product} is defective, it was faulty right out of the packaging.",
        "Two of the buttons had broken off before I even used it.",
        "My {product} arrived with a shattered lens.",
        # second batch (2026-11-30)
        "The mirror came with a spiderweb crack across it.",
        "Opened the parcel and the mug handle was lying loose in the bubble wrap.",
        "Just unpacked the {product} and one side of it is caved in.",
        "The corner of the bookcase is smashed, it looks like it was dropped on its end.",
        "Half the plates in the dinner set were in bits when the courier dropped it off.",
        "The vase was in fragments by the time I opened the box.",
        "The book I ordered turned up with a torn cover and creased, bent pages.",
        "My {product} turned up with a dent the size of a coin in it.",
        "The face cream jar is cracked and the cream has gone all over the inside of the box.",
        "The laptop arrived today and won't even switch on the very first time; it's faulty out of the box.",
        "The toy car arrived with one of its wheels snapped off.",
        "The table top has a deep gouge in it, straight from the delivery van.",
        "The courier left the parcel out in the rain and the {product} is waterlogged and warped.",
        "The seam on the new bag has a long rip in it, I noticed as soon as I unwrapped it.",
        "I bought the {product} as a gift and it's scratched straight out of the box, I can't give it to anyone like this.",
        "The kettle has a dent in the side and the lid hinge is snapped, that's how it arrived.",
        "The TV screen is cracked in one corner and the box had a hole punched right through it.",
        "The headphones arrived with one earcup hanging off.",
        "Arrived cracked, please send another.",
        "The eyeshadow palette is shattered, all the powder has crumbled inside the case.",
        "The delivery on {date} was a disaster, the {product} inside was crushed flat.",
        "The drawer front came split right down the middle.",
        "The bike frame is scratched and the gear hanger is bent, and that's fresh from the courier.",
        "Several glasses in the set came chipped around the rim.",
        "One of the chair legs is snapped clean off, it came like that.",
        "Can you replace the {product}? It came with a crack in it.",
        "The box looked like it had been kicked across the depot, and sure enough the {product} inside is crumpled and chipped.",
        "The heater sparked and fizzled the first time I plugged it in, straight out of the packaging.",
        "The fridge was delivered {when} with a big dent in the door.",
        "There are hairline cracks in the ceramic bowl, I spotted them as I lifted it out of the packaging.",
        "The lampshade was crumpled and the bulb holder had broken off in transit.",
        "The tin arrived badly dented and split along the seam.",
        "I filmed myself unboxing the {product} and it was already broken inside the packaging.",
        "The shelf brackets are bent and one of the panels has a hole punched through it.",
        "The perfume bottle arrived smashed and the whole parcel reeks of it.",
        "My {product} arrived in a sorry state: scratched, dented, and with a piece that had broken off in the box.",
        "The guitar neck is snapped, the box was obviously dropped somewhere along the way.",
        "Just signed for order {order} and the contents are smashed.",
        "The watch turned up with its glass face cracked.",
    ],
    "wrong_item": [
        "I received the wrong item.",
        "I ordered the {product} but got a {product2}.",
        "You sent me the wrong size.",
        "I ordered the {colour} one and received {colour2}.",
        "This isn't what I ordered.",
        "Wrong item in my parcel",
        "The box had someone else's order in it.",
        "I got a {product2} instead of the {product} I ordered.",
        "I ordered size {size} and you sent size {size2}.",
        "The model you sent is not the one I ordered.",
        "My order {order} contained the wrong product.",
        "You've sent me a completely different item.",
        "Wrong colour received.",
        "I ordered the {product} and opened the box to find a {product2}.",
        "The item doesn't match my order confirmation.",
        "This parcel isn't mine, it has someone else's name on it.",
        "I got the older model instead of the new one I paid for.",
        "You sent the {product} in {colour2}, I asked for {colour}.",
        "The item I received is a different brand from the one I ordered.",
        "Received the wrong product, order {order}.",
        "Half my order is right but the other item is something I never ordered.",
        "There was a {product2} in the box, I never ordered that.",
        "Wrong size sent",
        "I'm pretty sure this isn't the {product} from the listing.",
        "The package had the wrong thing inside.",
        "You mixed up my order with someone else's.",
        "I received a {product2} which I did not order.",
        "It's a size {size2}, but I ordered a size {size}.",
        "I ordered the large and got a small.",
        "This is not the item on my invoice.",
        "The label says {product} but the box contains a {product2}.",
        "They sent me the wrong version of the {product}.",
        "Got the wrong colour, I wanted {colour}.",
        "This is the 64GB version, I ordered the 128GB one.",
        "I got someone else's parcel.",
        "The item doesn't match the picture, it's a different product entirely.",
        "Incorrect item delivered for order {order}.",
        "I ordered a set of four but got a set of two.",
        "You sent a {product2}, not my {product}.",
        "This isn't the {colour} {product} I ordered.",
        "Wrong item, please send the right one.",
        "My {product} came in the wrong size.",
        "I got the wrong one, can you swap it for what I actually ordered?",
        "The parcel I got was meant for a different customer.",
        "I ordered the {product} for my son and a totally different item turned up.",
        "The item in the box isn't the one shown on my order.",
        "I received the men's version but I ordered the women's.",
        "The product code on the box doesn't match what I ordered.",
        "You sent me the wrong {product}, it's a different model.",
        "Hang on, I ordered {colour} and this is {colour2}.",
        "Not my order. Different item entirely.",
        "Ordered size {size}, received size {size2}.",
        # second batch (2026-11-30)
        "Whoever packed my order must have grabbed from the wrong shelf, because this is a {product2}.",
        "I ordered a hardback copy and got the paperback instead.",
        "The shoes in the box are two different sizes, one is a 7 and the other is an 8.",
        "The name on the delivery slip isn't mine, and neither is anything inside the box.",
        "I've been sent a pack of blue towels, but my order was for grey ones.",
        "My confirmation email says {colour}, but the jumper that came is {colour2}.",
        "This is a kids' size, not the adult one I picked.",
        "I opened order {order} and found a cookbook, but I ordered a novel.",
        "The courier handed me a parcel that was meant for somebody on another street.",
        "I asked for the king size duvet and a single one turned up.",
        "I think there's been a mix-up in the warehouse, I've got a toaster and I ordered a kettle.",
        "The charger you sent has a US plug, I ordered the UK version.",
        "I bought the {product} in size {size}, but the label on what arrived says {size2}.",
        "The protein powder you sent is chocolate flavour, I ordered vanilla.",
        "Instead of the {product} I paid for, I've been sent a cheaper lookalike from another brand.",
        "Our office ordered ten black chairs and received ten white ones.",
        "The present I ordered for my niece isn't what arrived, it's some random phone case.",
        "I'm holding a {product2} right now and my order says {product}.",
        "The wrong lipstick shade was packed, I chose a nude and got bright red.",
        "The book arrived in German, I ordered the English edition.",
        "The listing was for this year's edition but what came is last year's.",
        "You've swapped my order with another customer's, I have all their things.",
        "I ordered the {product} in the matte finish, but the one delivered is glossy.",
        "The colour is {colour2}, not {colour}. Please send the correct one.",
        "Mix-up with my order: I should have got a {product} and instead there's a {product2} in the box.",
        "The sticker on the item names a completely different model from the one I checked out with.",
        "I ordered the left-handed version and this one is right-handed.",
        "Opened the box: a blender. I ordered a food processor.",
        "The thing you sent isn't even from the same category as what I bought.",
        "What came is a {size2}, my order was for a {size}, and I double-checked before paying.",
        "Someone else's shopping turned up in my box, including things I'd never buy.",
        "The wallpaper rolls are a different pattern from the one on my order.",
        "You sent me a phone case for a different phone model than the one I selected.",
        "I was sent a refurbished unit, but I ordered a brand new one.",
        "The gift I sent my mother wasn't the one I chose, she got a {product2} instead of the {product}.",
        "Order {order} came with someone else's packing slip and their items.",
        "The {product} I got is the plain version, not the personalised one I ordered.",
        "Why did I get a {colour2} one? I clearly picked {colour} at checkout.",
        "The wrong edition of the board game was sent, I paid for the deluxe one.",
    ],
    "payment_issue": [
        "I've been charged twice for my order.",
        "There's a charge of {amount} on my card I don't recognise.",
        "My card was declined but I know there's money in the account.",
        "The payment failed but the money was taken from my account.",
        "I was double charged for order {order}.",
        "Why have I been charged {amount}?",
        "My refund hasn't shown up on my card yet.",
        "I got charged more than the price at checkout.",
        "Payment keeps failing at checkout.",
        "You took {amount} from my account twice.",
        "There's an unexpected charge from you on my bank statement.",
        "My card was charged but the order didn't go through.",
        "I was charged for an order I cancelled.",
        "Why has my payment been pending for {days} days?",
        "The refund of {amount} still hasn't reached my bank.",
        "Can't pay, my card keeps getting rejected.",
        "I was charged {amount} but the total should have been less.",
        "My PayPal payment failed but the money is gone.",
        "My bank shows two payments of {amount} for the same order.",
        "You charged my card without my permission.",
        "The discount code wasn't applied and I paid full price.",
        "Double charge",
        "I paid on {date} and the money left my account but there's no order confirmation.",
        "My Apple Pay payment won't go through at checkout.",
        "Why was I charged a delivery fee? It said free delivery.",
        "I was refunded the wrong amount.",
        "You charged me in dollars instead of pounds.",
        "I keep getting a payment error when I try to buy the {product}.",
        "Money taken, no order",
        "Your site charged me {amount} twice for the {product}.",
        "There's a pre-authorisation hold of {amount} on my card, when will it be released?",
        "My gift card balance wasn't applied to the payment.",
        "I was told I'd get my money back {days} days ago but nothing has come back to my card.",
        "Charged for a subscription I never signed up for.",
        "I cancelled but you still took the payment.",
        "How do I fix a failed payment?",
        "My payment got declined three times.",
        "The amount on my statement doesn't match my order.",
        "Can you check why I was billed twice?",
        "The checkout took my money and then showed an error page.",
        "My card has been charged {amount} and I never ordered anything.",
        "Unauthorised transaction from your company on my card.",
        "Your system charged me the old price.",
        "I was overcharged.",
        "The payment didn't go through but I got a bank alert saying it did.",
        "Why does my card keep getting declined on your site?",
        "There are three identical charges on my account from {date}.",
        "Refund promised but not received on my credit card.",
        "My bank transfer to you bounced.",
        "I paid by cheque and it still hasn't been cashed.",
        "Hi, I think I've been billed incorrectly for order {order}.",
        "The instalment payment was taken early.",
        # second batch (2026-11-30)
        "My bank app shows the same purchase from you twice on {date}.",
        "The checkout says my card is invalid, but it works everywhere else.",
        "I sent the {product} back weeks ago and the refund still hasn't appeared on my credit card.",
        "I was charged a surcharge for paying by card, and that wasn't mentioned anywhere.",
        "The total on my bank statement is {amount} higher than my order confirmation.",
        "The shipping cost was added twice when I paid.",
        "I tried paying with Klarna and it was declined, even though my account is in good standing.",
        "The money for order {order} has left my account, yet your site says payment not received.",
        "My company card keeps getting rejected on your site even though the limit is fine.",
        "Could you look into why my debit card was debited twice for a single purchase?",
        "Your payment page kept timing out and now I'm worried I've been charged several times.",
        "My bank says you never issued the refund, but your email says you did.",
        "I was wondering why there's a pending transaction from your shop on my card when I never completed the order.",
        "Both my credit card and my PayPal were charged for the same order.",
        "The price jumped by {amount} on the final payment step.",
        "I paid with a voucher and you still took the full amount off my card.",
        "My monthly payment plan took two instalments this month.",
        "The bank verification step fails every time, so my payment never goes through.",
        "I've been billed for express delivery but I selected standard.",
        "There's a charge of {amount} with your company name on it that I can't match to any order.",
        "My credit card was charged but my order still shows as unpaid.",
        "The refund went to an old card I've since cancelled, so where has the money gone?",
        "Still waiting for the {amount} you owe me to land back on my card.",
        "Even though order {order} was cancelled within minutes, the payment still went out of my account.",
        "The business account was charged on the wrong company card.",
        "My student discount vanished at the payment step and I was charged full price.",
        "Card declined.",
        "My payment for the {product} won't go through.",
        "Why is there a hold on my card for more than the order total?",
        "The transaction failed and now my bank says the funds are reserved for {days} days.",
        "You debited my account before anything shipped, I thought you only charged on dispatch.",
        "Google Pay says the payment was successful but your site says it failed.",
        "I got a text from my bank about a suspicious payment to your store.",
        "I bought one {product} but my statement lists the charge three times.",
        "Every time I enter my card details the page says the transaction could not be authorised.",
        "The refund credited to my card is {amount} short.",
        "My direct debit to you was taken twice {when}.",
        "The price in the app was lower than what you actually took from my account.",
        "I'm being asked to pay again for an order I already paid for.",
        "My card was charged in euros and now my bank has added a conversion fee I wasn't expecting.",
    ],
    "invoice_request": [
        "Can I get an invoice for my order?",
        "I need a VAT invoice for order {order}.",
        "Please send me a copy of my receipt.",
        "Can you put my company name on the invoice?",
        "Where can I download my invoice?",
        "I need a receipt for my {product} for warranty purposes.",
        "Invoice please",
        "Could you email me the invoice for {order}?",
        "I lost my receipt, can you send another one?",
        "I need an invoice with my business address for expenses.",
        "Can I get a VAT receipt?",
        "Please add our VAT number to the invoice.",
        "I need a proper invoice, not just the order confirmation.",
        "Can you reissue the invoice in my company's name?",
        "How do I get a receipt for a purchase I made on {date}?",
        "My employer needs an itemised invoice.",
        "The invoice has the wrong billing address, can you correct it?",
        "Please send a duplicate invoice for my order of {amount}.",
        "Can I get a PDF of the invoice?",
        "Need a receipt for my expense report.",
        "Where do I find invoices in my account?",
        "I need a tax invoice for the {product}.",
        "Can you send the receipt to my work email?",
        "Please provide an invoice for all my orders since {date}.",
        "Receipt copy for order {order}",
        "Can the invoice show the VAT separately?",
        "I didn't get a receipt with my parcel.",
        "Could I have a gift receipt?",
        "Can you change the name on the invoice?",
        "I need invoices for my accountant.",
        "Please issue an invoice addressed to my company in {city}.",
        "I need proof of purchase for the {product}.",
        "How do I request a commercial invoice?",
        "Can I get a receipt showing the amount I paid?",
        "Please resend the invoice, I never received the email.",
        "Send me the bill for my order please.",
        "Invoice needed so my company can reimburse me.",
        "The invoice is missing our purchase order number.",
        "Can you itemise the invoice please?",
        "I need a copy of the invoice for my tax return.",
        "Can I get a printed receipt posted to me?",
        "Is it possible to get an invoice instead of a receipt?",
        "Hi, could I have the VAT invoice for the {product} I bought {when}?",
        "My receipt came through blank, please send a new one.",
        "I need the invoice for {order} for my records.",
        "Please make the invoice out to my business.",
        "How can I download all my receipts for this year?",
        "I'd like a statement of all my purchases.",
        "Need the invoice urgently for an insurance claim.",
        "Can I have the receipt re-sent?",
        # second batch (2026-11-30)
        "Our finance team won't process the purchase without a tax document from you, so please generate one for order {order}.",
        "Is there a way to get a downloadable invoice rather than a screenshot of the order confirmation page?",
        "I was wondering whether you could send a fresh copy of the bill for the {product}, as the original went to an inbox I no longer use.",
        "Proof of purchase for the {product}, please.",
        "VAT copy for {order}.",
        "I bought the {product} as a present and the recipient needs a receipt to register the warranty, ideally one without the price on it.",
        "We're a registered business and every invoice needs to show our company registration number and VAT ID.",
        "My accountant is asking for a breakdown of the tax on my last three orders, can you produce invoices for them?",
        "Can you split the invoice into two, one for the {product} and one for the {product2}?",
        "The sales slip that came in the box has faded and is unreadable, so I'd like a replacement copy.",
        "The invoice lists my maiden name, and I need one issued in my current surname.",
        "Is it possible to have a single consolidated invoice for every order we placed in the last {days} days?",
        "I need a revised invoice that reflects only the items I kept from the order.",
        "I've clicked through every page of my order history and there's no link to download the invoice anywhere.",
        "The confirmation email only shows a total; I need a document with the net price, tax rate and tax amount listed separately.",
        "I'm claiming the {product} back on expenses and the claim gets bounced unless there's an official invoice attached.",
        "I need the original purchase invoice for the {product} to show at customs when I travel.",
        "The invoice I was sent is in a language my bookkeeper can't read, is there an English version?",
        "Our accounts department only accepts hard copies, so could the invoice be mailed to our office in {city}?",
        "Does every order automatically come with an invoice, or do I have to ask for one each time?",
        "Can invoices for future orders go straight to our bookkeeping inbox instead of mine?",
        "I'm doing my self-assessment and need the receipts for everything I bought from you in the last tax year.",
        "The invoice header still shows your old trading name, and our auditor has asked for a corrected copy.",
        "Billing document for {order} please.",
        "Just need the receipt.",
        "I paid {amount} for the {product} {when} and my insurer wants a receipt confirming the purchase.",
        "The link in the invoice email says the document has expired, could you send the file as an attachment instead?",
        "The invoice attachment won't open because the file seems to be corrupted, please generate a new one.",
        "We're a registered charity, so the invoice has to reference our VAT exemption certificate.",
        "I bought something in your {city} store and lost the till receipt; can you look up the purchase and send me a copy?",
        "The invoice doesn't show the delivery charge as its own line, and I need it itemised that way for my claim.",
        "Invoice for the {product} and the {product2} on one document, please.",
        "How long after dispatch is the invoice issued? I still haven't had one for {order}.",
        "The manufacturer won't look at my warranty claim without a dated retailer receipt for the {product}, and I threw mine away.",
        "Can you set us up with monthly invoicing instead of one invoice per order?",
        "My order was split into {days} parcels and I only got an invoice for one of them.",
        "I'm a sole trader, could you include my trading name and address on the receipt so I can reclaim the tax?",
        "I need something official showing the purchase date and price of the {product}, a bank statement won't do.",
        "We need a pro forma invoice before we can release payment for the bulk order.",
        "Could you issue the invoice in euros rather than pounds for our overseas office?",
    ],
    "account_access": [
        "I can't log in to my account.",
        "I forgot my password.",
        "The password reset email isn't arriving.",
        "My account is locked.",
        "I'm not getting the 2FA code.",
        "How do I change the email on my account?",
        "It says my password is wrong but I know it's right.",
        "I'm locked out after too many attempts.",
        "The verification code never comes through.",
        "I can't sign in on the {app} app.",
        "Reset my password please",
        "I lost my phone and can't get my two-factor codes.",
        "My login doesn't work anymore.",
        "I think someone hacked my account.",
        "The reset link has expired.",
        "I no longer have access to the email on my account.",
        "Can you unlock my account?",
        "It keeps saying account not found when I log in.",
        "I can't remember which email I used to sign up.",
        "The login page just refreshes when I enter my details.",
        "I want to update the phone number for my verification codes.",
        "How do I reset my password if I don't get the email?",
        "My account got suspended, why?",
        "I haven't been able to access my account since {date}.",
        "The two-factor authentication code is always invalid.",
        "Password reset not working",
        "I need to change my username.",
        "Someone changed my password and I can't get in.",
        "Can't log in, forgot my username.",
        "I keep getting logged out of my account.",
        "Locked out of my account",
        "The SMS code takes ages and then expires.",
        "How do I recover my account?",
        "I signed up with Google and now I can't log in with my email.",
        "My account says it's been deactivated.",
        "I need to change the email address linked to my account.",
        "Login fails with incorrect credentials every time.",
        "Help, I can't get into my account to see my orders.",
        "The authenticator app codes don't work for my account.",
        "I never received the account verification email.",
        "Please reset my login.",
        "Where do I change my password?",
        "I can't log in, it asks for a code I never get.",
        "My account was locked for security reasons, how do I unlock it?",
        "Forgot my password and the reset email goes to my old address.",
        "I can't sign in since I changed my phone number.",
        "I'm stuck at the login screen, please help me get into my account.",
        "It says too many login attempts, try again later.",
        "My password reset code doesn't work.",
        "The captcha won't let me log in.",
        # second batch (2026-11-30)
        "I got a new phone and my authenticator didn't transfer over, so every sign-in now asks for a code I can't produce.",
        "Sign-in keeps telling me my email isn't registered, yet I've been ordering from you since {date}.",
        "The account was set up with my work email, and since I've left that job I can't receive anything sent to it.",
        "Password forgotten, need a new one.",
        "I got an email saying my login details were changed, and it wasn't me, so please secure the account.",
        "Is there a way to turn off two-step verification? I travel a lot and rarely have signal for the texts.",
        "Can I get into my account without the phone number I registered with? That number was cancelled {when}.",
        "Your system froze me out after I mistyped my password a few times, how long until I can try again?",
        "I set up a business account for our team and the admin who created it has left; how do we regain control of it?",
        "The sign-in link you email me just opens the homepage without actually logging me in.",
        "I made two accounts by mistake and can't work out which login has my order history.",
        "I need to update the email address I sign in with, because the old one is being shut down on {date}.",
        "I can't remember the answer to my security question and it won't let me continue without it.",
        "The password rules reject everything I type when I try to set a new one.",
        "After the reset I chose a new password, but the site still only accepts the old one.",
        "My account has been frozen pending verification; what do you need from me to reopen it?",
        "Is it possible to log in with a one-time code instead of a password? I can never remember it.",
        "I'm a returning customer but haven't shopped here since {date} and don't recall any of my login details.",
        "Locked out of the {app} app since I switched phones.",
        "The verification email arrives, but clicking the link says the token is invalid.",
        "Could you send the sign-in code by email instead of text? My phone is out of action.",
        "Account recovery, please.",
        "Can't get past the password screen.",
        "My daughter changed the password on our family account and she's away, how do I get back in?",
        "The site says my account is under review and won't let me sign in.",
        "I'm still logged in on my laptop, but on my phone it says my credentials are incorrect.",
        "How do I stop the site asking me to verify my identity every single time I sign in?",
        "I've requested {days} password reset emails and not one has shown up, not even in spam.",
        "I want to change the email on my profile but it asks for my current password, which I don't know.",
        "We share one login across the office and someone changed the password without telling the rest of us.",
        "I closed my account a while back and would like it reactivated so I can use it again.",
        "The passkey I set up stopped working after I replaced my laptop, and I can't find a way to use my password instead.",
        "I was told my account would unlock automatically after a day, but it's been {days} days and it's still blocked.",
        "Where's the forgotten password option in the {app} app? I can only find it on the website.",
        "I tried signing in with Apple and it created a brand new empty account instead of opening my existing one.",
        "Order {order} was placed from an account I can no longer sign in to, can you help me recover it?",
        "My email provider blocks your messages, so the reset link never reaches me; is there another way to verify who I am?",
        "My {app} login worked fine until {when}, and now it says the account is disabled.",
        "Can you confirm whether an account exists under the email I used for order {order}? I can't get into it.",
        "I bought the {product} as a guest, and now when I try to register with that email it says the address is already taken.",
    ],
    "technical_support": [
        "My {product} won't turn on.",
        "The {app} app keeps crashing.",
        "I'm getting error {error_code} on my {product}.",
        "My {product} won't pair with my phone.",
        "How do I set up my {product}?",
        "The firmware update failed.",
        "The {app} app shows error {error_code} when I open it.",
        "My {product} keeps disconnecting from Bluetooth.",
        "It won't connect to the wifi.",
        "The screen freezes every few minutes.",
        "My {product} stopped charging.",
        "The app won't load, it just shows a blank screen.",
        "How do I reset my {product} to factory settings?",
        "Error {error_code} keeps popping up.",
        "The battery drains really fast on my {product}.",
        "The {product} turns off by itself.",
        "The app crashes when I try to open it after the update.",
        "I can't get the {product} to connect to the {app} app.",
        "My {product} worked fine for {days} days and now it doesn't respond.",
        "The touchscreen is unresponsive.",
        "There's no sound coming from my {product}.",
        "How do I update the software on the {product}?",
        "The {product} makes a weird buzzing noise when it's on.",
        "The {app} app won't sync with my {product}.",
        "Setup keeps failing at the last step.",
        "I get a blue screen with code {error_code}.",
        "The {product} overheats after a few minutes.",
        "The lights on the {product} keep blinking red, what does that mean?",
        "It won't boot past the logo.",
        "My {product} isn't recognised when I plug it into my laptop.",
        "Bluetooth pairing fails every time.",
        "The app freezes on the loading screen with error {error_code}.",
        "My {product} keeps restarting.",
        "Installation error {error_code} when I install the driver.",
        "How do I connect my {product} to my TV?",
        "The {product} was working yesterday and now it's dead.",
        "The microphone on my {product} doesn't work on calls.",
        "The remote doesn't control the {product}.",
        "The display is flickering.",
        "The update got stuck at 50 percent.",
        "Can you help me install the {app} app?",
        "The {product} isn't charging even though it's plugged in.",
        "My {product} lags and is really slow since the last update.",
        "Tech support please, my {product} is playing up.",
        "The {app} app says something went wrong, code {error_code}.",
        "The {product} won't pair, the light just keeps flashing.",
        "The printer says offline even though it's connected.",
        "How do I turn off the notifications on my {product}?",
        "Notifications from the {app} app aren't coming through.",
        "My {product} has been glitching ever since I updated it.",
        "The fingerprint sensor on my {product} stopped working after a month.",
        "The sound keeps cutting out on my {product}.",
        "I'm stuck on the setup screen of my {product}.",
        # second batch (2026-11-30)
        "My laptop gets stuck in a boot loop after the overnight update.",
        "I'm trying to get the doorbell camera onto my home network, but it doesn't see my 5 GHz band.",
        "Ever since I moved the {product} to another room, it refuses to reconnect to the hub.",
        "The {app} app won't let me add the {product}; it searches for a minute and then gives up.",
        "What does {error_code} mean on the display of my {product}?",
        "The {product} beeps three times and shuts itself off every time I start it.",
        "How do I calibrate the {product}? The readings seem way off.",
        "My {product} shows the wrong time no matter how often I set it.",
        "The instructions say to hold the button for ten seconds to pair, but nothing happens when I do.",
        "I can hear the other person fine but they can't hear me when I'm using the headset.",
        "Is there a workaround for the {app} app crashing on older Android versions?",
        "The {product} says a firmware update is available, but the download never gets past zero.",
        "I've been through every step in the troubleshooting guide and the {product} still drops the connection every half hour.",
        "The fan on my games console runs at full speed constantly, even when it's idle.",
        "Walk me through connecting the {product} to my smart speaker.",
        "My laptop doesn't detect the wireless headphones as an audio output.",
        "Printer setup is half done: it prints a test page but won't print anything from my laptop.",
        "The {app} app shows my {product} as offline while it's sitting right next to the router.",
        "Can't get the {product} working.",
        "The settings on my {product} reset themselves every time it's unplugged.",
        "The camera feed in the {app} app is black, though the {product} shows a green light.",
        "I upgraded my phone and now the {product} doesn't show up in the Bluetooth list at all.",
        "Is there a manual reset button somewhere on the {product}, or do I have to do it through the app?",
        "The smart plug switches on and off by itself in the middle of the night.",
        "My e-reader freezes on the same page of every book I open.",
        "The coffee machine's display shows {error_code} and it won't brew.",
        "Every time I open the {app} app it asks me to update, and then the update fails.",
        "The voice assistant on my speaker doesn't understand anything I say anymore.",
        "Some keys on the keyboard I connected type the wrong letters.",
        "I'd like to know how to mirror my phone screen onto the television.",
        "Sound and picture drift out of sync when I stream anything on my TV.",
        "My robot vacuum keeps reporting a stuck wheel when nothing is blocking it.",
        "Installing the desktop software fails halfway with a message about missing permissions.",
        "The kids' tablet reboots whenever they open a game.",
        "Since {when} the {product} only works while it's plugged in.",
        "The {app} app drains my phone battery even when I'm not using it.",
        "Is there a way to roll back the firmware? The new version broke the equaliser settings.",
        "I need a hand configuring the parental controls on the {product}.",
        "The smartwatch stopped counting my steps after I paired it with a new phone.",
    ],
    "product_question": [
        "Is the {product} in stock?",
        "Does the {product} come in {colour}?",
        "What's the difference between the {product} and the {product2}?",
        "Is the {product} compatible with iPhone?",
        "How long is the warranty on the {product}?",
        "What size {product} should I get if I'm usually a {size}?",
        "How much is the {product}?",
        "Does the {product} come with a charger?",
        "What are the dimensions of the {product}?",
        "Is the {product} waterproof?",
        "When will the {product} be back in stock?",
        "Does this come in a bigger size?",
        "What's the battery life on the {product}?",
        "Is the {product} dishwasher safe?",
        "Will the {product} work with my Android phone?",
        "What material is the {product} made of?",
        "Do you have the {product} in size {size}?",
        "How heavy is the {product}?",
        "Is the {product} suitable for kids?",
        "Can you tell me the specs of the {product}?",
        "Which one is better, the {product} or the {product2}?",
        "Is there a newer model of the {product} coming out?",
        "Does the {product} have Bluetooth?",
        "Will the {product} be on sale anytime soon?",
        "Do you ship the {product} to {city}?",
        "Does the price of the {product} include VAT?",
        "How many watts is the {product}?",
        "Can I use the {product} abroad?",
        "Does the {product} run true to size?",
        "Are the {product} and the {product2} the same apart from the colour?",
        "What's included in the box with the {product}?",
        "Is the {product} available in {colour}?",
        "How long does the {product} take to charge fully?",
        "Is the {product} made with real leather?",
        "Do you sell replacement parts for the {product}?",
        "Is the {product} refurbished or new?",
        "What's the storage capacity of the {product}?",
        "Can the {product} be used outdoors?",
        "Does the warranty cover accidental damage?",
        "Is the {product} good for a beginner?",
        "How loud is the {product}?",
        "Will the {product} fit in a small kitchen?",
        "Quick question about the {product}: does it have a timer?",
        "Is the {product} this year's model?",
        "Price check on the {product} please.",
        "Which colours does the {product} come in?",
        "Does the {product} need batteries?",
        "Can I buy the {product} in a bundle?",
        "Is the {product} machine washable?",
        "Does the {product} support fast charging?",
        "What's the screen size on the {product}?",
        "I'm thinking about buying the {product} for my dad, is it easy to use?",
        # second batch (2026-11-30)
        "I was wondering whether the {product} would fit on a standard kitchen worktop, how deep is it?",
        "Before I order, could you confirm what the {product} is actually made from?",
        "Thinking of getting the {product} as a birthday present for my niece who is seven. Is it age appropriate?",
        "Any idea if the {product} will ever come back in {colour}?",
        "Does the {product} play nicely with a Mac, or is it Windows only?",
        "I run a small office and need about {days} units of the {product}. Do you do a discount for bulk orders?",
        "Is the {product} the same one that was reviewed in the magazine, or a cheaper version?",
        "How many pages is the hardback edition of that cookbook?",
        "I'm normally a {size} in jeans but between sizes on top. Which size of the {product} would you suggest?",
        "Does the {product} come assembled or is it flat-pack?",
        "The {product} is showing as {amount} on your site but cheaper elsewhere. Do you price match?",
        "What's the guarantee period if I buy the {product} today?",
        "Is the sofa fabric stain resistant, and can the covers come off for washing?",
        "Does this moisturiser contain any fragrance? My skin reacts to perfume.",
        "Are these trainers vegan, or is there leather in them somewhere?",
        "Can the lid of this casserole dish go in the oven as well?",
        "Is the toy suitable for a toddler, or does it have small parts?",
        "How many people does the dining table seat comfortably?",
        "Out of curiosity, is the cable included or sold separately?",
        "Stock levels on the large size, please.",
        "Specs for the laptop with the bigger screen?",
        "Any chance the mid-range model goes on offer this month?",
        "Which of your blenders would cope best with crushing ice?",
        "I need a kettle that's quiet because the baby sleeps nearby. Which one would you recommend?",
        "Will the 4K model work with an older HDMI cable or do I need a new one?",
        "Is the induction hob version any different in price from the gas one?",
        "My wife has a nut allergy. Is this hand cream free from almond oil?",
        "Is the mattress firm or on the softer side?",
        "Can I get the blender in a different finish, like brushed steel?",
        "Are the batteries for the remote control car rechargeable, and are they in the box?",
        "Do the headphones cancel background noise, or just muffle it a bit?",
        "Would the smaller pan set fit a dishwasher with a shallow bottom rack?",
        "Is the cookbook metric or does it use cups for measurements?",
        "How much assembly is involved with the wardrobe, roughly?",
        "Do you know whether the extended warranty is worth it on the washing machine?",
        "Is the paperback in stock in your shop in {city}, or online only?",
        "Is there a size chart for kids' coats somewhere? My son is small for his age.",
        "Does the {product} have a headphone jack?",
        "Does the cordless drill take the same batteries as the older one I own?",
        "The description doesn't say, so what voltage does the hairdryer run on?",
    ],
    "human_agent": [
        "I want to speak to a human.",
        "Can I talk to a real person?",
        "Get me a manager.",
        "I want to make a formal complaint.",
        "Transfer me to an agent please.",
        "Stop the bot, I need a person.",
        "Is there a human I can talk to?",
        "Connect me with customer service.",
        "I don't want to talk to a robot.",
        "Escalate this please.",
        "Agent",
        "Human please",
        "Can someone from your team call me?",
        "I need to speak to your supervisor.",
        "Put me through to a real agent.",
        "I'd like to escalate my complaint.",
        "Let me speak to someone who can actually help.",
        "Is there a phone number I can call to speak to someone?",
        "This bot is useless, get me a person.",
        "I want to lodge a complaint about your service.",
        "Live chat with a person please.",
        "Representative",
        "Can I have a callback from a human?",
        "I need a real person to look at my case.",
        "Pass me to a human agent.",
        "Who do I complain to?",
        "Talk to someone",
        "I'd prefer to speak to a member of staff.",
        "How do I reach your complaints department?",
        "I want a manager to review this.",
        "Can a human take over this chat?",
        "Operator please.",
        "I'd like to speak with someone in person.",
        "Your automated replies aren't helping, I need a person.",
        "Connect me to a live agent.",
        "I want to file an official complaint.",
        "Give me a real human being.",
        "Please escalate to a senior member of staff.",
        "Is anyone actually there or is this all automated?",
        "I've had enough of the chatbot.",
        "Speak to agent",
        "Could you hand me over to a colleague?",
        "I want to talk to someone about my order, not a bot.",
        "Can I get a supervisor on the line?",
        "Please get a person to contact me by email.",
        "I'd like to raise a complaint with management.",
        "Let me talk to customer care.",
        "No more bots, a human please.",
        "I need to talk to someone urgently.",
        "Can you put me in touch with a real support agent?",
        "I want my complaint escalated to head office.",
        # second batch (2026-11-30)
        "I'd rather sort out the issue with my {product} with an actual person, if that's possible.",
        "I was wondering whether someone from your customer team could ring me back this afternoon.",
        "This has gone on long enough. I'd like the matter passed to someone senior.",
        "Pass this on to a real person who can make a decision.",
        "A proper human, please.",
        "Real person",
        "I've explained my problem three times to the bot and it keeps looping. Can a staff member pick this up?",
        "Who is your line manager? I'd like their name and contact details.",
        "Please ask someone to give me a ring on my mobile.",
        "What's the number for your call centre? I want to talk it through with someone.",
        "I'm a business customer with an account manager, please put me through to them.",
        "I'd like my case about the {product} reviewed by a person rather than an automated system.",
        "Could a colleague of yours take a look at order {order} personally? I don't want automated answers.",
        "I want to put in writing how badly this has been handled. Where do I send a formal complaint?",
        "Can I speak to someone in charge about order {order}?",
        "I'm not comfortable typing this to a machine. Is there a human I can chat to?",
        "Does anyone actually read these messages, or will a person get back to me?",
        "Skip the assistant and connect me with your support staff.",
        "I've emailed {days} times with no reply, so now I want a named person handling my complaint.",
        "I'd like to speak to a supervisor about how I was treated on the phone {when}.",
        "Your courier was rude and I want to complain to a manager about it.",
        "Is there an ombudsman or complaints team I can escalate this to?",
        "I want a human to call me about order {order}, not another automated email.",
        "Hand me over to whoever deals with complaints.",
        "Let me chat to a real customer adviser please.",
        "Can I book a phone call with one of your advisers on {date}?",
        "Would it be possible to arrange a video call with a member of staff?",
        "Please flag order {order} for a human to follow up.",
        "I've been waiting since {date} for an answer and I'd like to raise this with someone higher up.",
        "Get a human on this.",
        "My elderly mother finds chatbots confusing. Can a person phone her instead?",
        "The answers I'm getting are generic. I need an employee to look at my account.",
        "Send my details to a manager and have them contact me before {date}.",
        "I'm writing a complaint about the service at your {city} store. Who handles that?",
        "I'd like to escalate this to the customer relations team.",
        "Is there a way to talk to staff in person rather than online?",
        "Bot, please step aside and let a colleague reply.",
        "I asked for a callback on {date} and nobody rang. I want to speak to someone today.",
        "What hours are your human advisers available?",
        "I need someone with authority to handle my complaint, not a script.",
    ],
    "out_of_scope": [
        "What's the weather like today?",
        "Tell me a joke.",
        "Can you help me with my maths homework?",
        "What's a good recipe for lasagne?",
        "Who won the football last night?",
        "What is the meaning of life?",
        "Who should I vote for?",
        "What's the capital of Australia?",
        "Can you write me a poem?",
        "How do I get to {city} by train?",
        "What time is it in Tokyo?",
        "Do you like music?",
        "Recommend a good film to watch tonight.",
        "How do I fix my car's engine warning light?",
        "What's the score in the cricket?",
        "Can you book me a table at a restaurant?",
        "How many calories are in a banana?",
        "Translate hello into Spanish.",
        "What's the best way to learn guitar?",
        "Is it going to rain in {city} tomorrow?",
        "What do you think about the election?",
        "Write my essay on climate change.",
        "How tall is Mount Everest?",
        "What's the square root of 144?",
        "My neighbour's dog keeps barking, what should I do?",
        "Who is the president of France?",
        "How do I bake sourdough bread?",
        "What's the best holiday destination in Europe?",
        "Can you tell me my horoscope?",
        "How do I cancel my gym membership?",
        "What's my internet provider's phone number?",
        "Help me plan a birthday party.",
        "What are the train times to {city}?",
        "Who wrote Romeo and Juliet?",
        "What's the exchange rate for the euro today?",
        "Can you give me some dating advice?",
        "Why is the sky blue?",
        "Sing me a song.",
        "What's the population of {city}?",
        "Is pineapple on pizza acceptable?",
        "How do I grow tomatoes?",
        "Explain quantum physics simply.",
        "What should I cook for dinner?",
        "When does the next season of my favourite show come out?",
        "What's the best stock to invest in?",
        "Can you recommend a good dentist in {city}?",
        "How old is the universe?",
        "My bus is late, who do I contact?",
        "I'm bored, talk to me about anything.",
        "What's 15 times 23?",
        "How do I renew my passport?",
        "Flip a coin for me.",
        # second batch (2026-11-30)
        "I was wondering if you could help me pick a name for my new puppy.",
        "How long should I boil an egg for a runny yolk?",
        "Do you know any good hiking trails near {city}?",
        "What year did the Berlin Wall come down?",
        "Can you explain how photosynthesis works for my son's homework?",
        "How do I get red wine out of a carpet?",
        "Is the sea warm enough to swim in near {city} in October?",
        "My mobile network dropped every call I made {when}, how do I complain to them?",
        "Riddle me something clever.",
        "Heads or tails?",
        "Which airline has the most legroom in economy?",
        "Is the museum in {city} open on Mondays?",
        "What's a nice wine to go with roast chicken?",
        "My landlord hasn't fixed the boiler since {date}. What are my rights?",
        "Can you draft a cover letter for a marketing job?",
        "Which artist painted the ceiling of the Sistine Chapel?",
        "What's the difference between a crocodile and an alligator?",
        "How do I convert Fahrenheit to Celsius?",
        "What should I pack for a week in {city} in winter?",
        "I keep getting spam calls from my bank's fraud team, is that legit?",
        "How many ounces are in {days} pounds?",
        "Could you recommend a podcast for the long drive to {city}?",
        "What's the best way to stop my cat scratching the sofa?",
        "My flight from {city} with another airline was delayed five hours, what am I owed?",
        "Give me a fun fact about octopuses.",
        "How do you say good night in Japanese?",
        "Why do onions make you cry?",
        "Is it true that goldfish only remember things for a few seconds?",
        "Help me write a speech for my sister's wedding.",
        "How do I set up a direct debit with my council for council tax?",
        "What's the quickest way from the airport to the centre of {city}?",
        "How do I unblock a kitchen sink without calling a plumber?",
        "Play twenty questions with me.",
        "Who invented the telephone?",
        "My streaming subscription renewed without asking, how do I contact them?",
        "What does a solicitor charge for writing a will?",
        "Is {date} a bank holiday this year?",
        "Just curious, what's your favourite colour?",
    ],
}

TEST_SKELETONS: dict[str, list[str]] = {
    "greeting": [
        "Howdy",
        "Hello, anybody around?",
        "Hi hi",
        "Good day to you",
        "Many thanks, goodbye",
        "Appreciate the help, bye now",
        "Okay, we're done here, thanks",
        "That's everything for today, cheers",
        "Hey folks",
        "Thanks heaps",
        "Catch you later",
        "Thank you, you've been great",
        "Hi, hope your day is going well",
        "Great stuff, thanks and bye",
        "Hello again",
        "So long, and thanks",
        "Awesome, thank you very much",
        "Hiya, how's it going?",
        "Later!",
    ],
    "order_status": [
        "Any idea when my stuff will show up?",
        "Has anything happened with my shipment? I ordered it {when}.",
        "Where on earth is parcel {order}?",
        "My {product} is taking forever to get here.",
        "Can you chase up my delivery?",
        "Shipment progress for {order}?",
        "The estimated arrival keeps getting pushed back.",
        "I'm still waiting on the {product} I bought {days} days ago.",
        "Could someone look into why my package hasn't come?",
        "Not received order {order} yet, what's going on with it?",
        "Was my order ever posted?",
        "Is the {product} on its way to me?",
        "Need to know when the delivery van is coming.",
        "How far along is my order?",
        "No parcel, no email, nothing since {date}.",
        "Please confirm the dispatch date of my order.",
        "My delivery seems to have vanished somewhere near {city}.",
        "When does order {order} land?",
    ],
    "cancel_order": [
        "Can you pull my order before it goes out?",
        "Knock order {order} on the head please.",
        "I've had second thoughts, can the purchase be cancelled?",
        "Is cancelling still possible for {order}?",
        "Please terminate my order for the {product}.",
        "How would I go about cancelling something I ordered on {date}?",
        "I no longer need this order, cancel it today please.",
        "Hold on, I don't want that {product} after all, cancel it.",
        "Cancellation please, order {order}.",
        "I made a mistake ordering, please don't process it.",
        "Take the {product} off my order, I don't want it.",
        "Can the order I placed an hour ago be stopped?",
        "Forget my order, I'm cancelling.",
        "Please drop order {order} entirely.",
        "Want to cancel before dispatch.",
        "Could you abort the purchase I just made?",
        "Please don't dispatch my order, I need to cancel.",
    ],
    "change_address": [
        "Could you reroute my order to a new address?",
        "My order is going to the wrong place, I gave you an outdated address.",
        "Need to switch the destination of parcel {order}.",
        "I relocated to {city} last month, please ship there.",
        "Address mix-up on my order, the street is misspelled.",
        "Can I have it sent somewhere else?",
        "Please change where the {product} is being delivered.",
        "The destination on my order needs fixing.",
        "Moving on {date}, can my order go to the new house?",
        "I'd like my parcel delivered to a locker instead of home.",
        "Delivery address edit please.",
        "Can you modify the address for the {product} I bought?",
        "Left out my unit number, can it be added to the order?",
        "I'll be away, please send the order to my friend's in {city}.",
        "Wrong door number entered at checkout.",
        "How do I switch the address after checkout?",
    ],
    "return_refund": [
        "I'd rather have the money than the {product}, can I send it back?",
        "Not keen on it after all, how do I get it back to you?",
        "Is there a window for sending things back?",
        "The fit is off on the {product}, I'd like to return it.",
        "Could I hand the {product} back and be reimbursed?",
        "I'm after a refund for something I've barely used and don't want.",
        "Please arrange a return for order {order}.",
        "What's the process for giving back an item I regret buying?",
        "Bought it {when}, decided it's not for me.",
        "Can this be swapped for a different size?",
        "Returns label needed for {order}.",
        "Do you charge for returns?",
        "I'd like to get reimbursed for the {product}, it's still sealed.",
        "My partner bought the same {product}, so we want to return ours.",
        "Send back and refund, please.",
        "I'm not satisfied with how the {product} looks on me, can I return it?",
        "Can an opened item still be returned?",
    ],
    "damaged_item": [
        "Opened the parcel and found the {product} in bits.",
        "Looks like someone stood on the box, the {product} is crushed.",
        "My new {product} has a fracture along the edge.",
        "The item turned up busted.",
        "It's split down the middle, that's how it was delivered.",
        "Nothing works on the {product}, it was faulty from day one straight out of the box.",
        "The {product} got wrecked in transit.",
        "There are deep gouges in the surface of the {product}, fresh from the delivery.",
        "It came with a chunk missing from the corner.",
        "Delivered on {date}, and the {product} was already smashed up.",
        "The glass door of the {product} is shattered.",
        "Faulty on arrival, order {order}.",
        "The {product} is all bashed in.",
        "Unpacked the {product} and a piece had broken off.",
        "It came dinged and scraped.",
        "My {product} arrived with the seal burst and stuff spilled everywhere.",
        "Received it damaged, not usable.",
    ],
    "wrong_item": [
        "What turned up isn't what I bought.",
        "Instead of the {product} I got sent a {product2}.",
        "The contents of my parcel belong to another order.",
        "Size mix-up: I asked for size {size}, the one here is size {size2}.",
        "You shipped me the {colour2} variant by mistake, I chose {colour}.",
        "Somebody else's stuff was in my box.",
        "There's been a mix-up, the {product} in the package isn't the model I picked.",
        "This doesn't match my purchase at all.",
        "Received an item I never bought, order {order}.",
        "Incorrect colour arrived.",
        "I was expecting a {product} and a {product2} showed up.",
        "The thing you delivered is not what's on my order.",
        "Got sent the wrong variant.",
        "The listing and what I received are two different products.",
        "My delivery contains an item from a different order.",
        "They've packed the wrong product for me.",
        "It's a {product2}, definitely not the {product} I chose.",
    ],
    "payment_issue": [
        "Two identical debits of {amount} appeared after one purchase.",
        "The transaction was rejected, yet my balance went down.",
        "Strange {amount} deduction from my account, is that you?",
        "Checkout refuses every card I try.",
        "Money's gone from my account but the site says payment unsuccessful.",
        "I'm still waiting for the reimbursement to hit my account, it's been {days} days.",
        "You billed me for something I called off.",
        "Billed the wrong amount for my {product}.",
        "My statement lists a payment to you I never made.",
        "Charged {amount} extra at checkout, why?",
        "The price I paid isn't the price that was advertised.",
        "Duplicate transaction on my card for order {order}.",
        "Card got refused at the last step of paying.",
        "I was debited {when} and there's no order anywhere.",
        "My voucher didn't come off the total and I paid too much.",
        "Payment went through twice by accident.",
        "Why am I seeing a pending charge if my order failed?",
    ],
    "invoice_request": [
        "My accounts team is asking for the invoice for {order}.",
        "Can you produce a bill showing VAT for the {product}?",
        "Where's the paperwork for my purchase? I need it for tax.",
        "Copy of my purchase receipt please.",
        "I require an invoice bearing our company details.",
        "Could you generate a new invoice under a different name?",
        "Receipt for {amount} needed, please.",
        "I can't find the receipt for what I bought on {date}.",
        "Is there a way to get a formal invoice for my order?",
        "Please email the billing document for order {order}.",
        "For expenses I need an invoice with a VAT breakdown.",
        "Any chance of getting an invoice with my firm's address?",
        "I mislaid the receipt, can I get another copy?",
        "The invoice needs our tax ID on it.",
        "Can you send over proof of payment for my records?",
        "Request for invoice.",
    ],
    "account_access": [
        "I'm unable to get past the sign-in page.",
        "Account won't let me in even with the correct password.",
        "Never got the one-time passcode to sign in.",
        "Got shut out of my profile after guessing my password wrong.",
        "How do I get back into an account I can't access?",
        "The forgot password link does nothing.",
        "I'd like to swap the email address tied to my login.",
        "My security code texts have stopped arriving.",
        "Someone else seems to have taken over my account.",
        "Credentials rejected every time I try.",
        "I no longer have the phone for my authentication codes.",
        "Can't remember my login details at all.",
        "My profile is blocked, please restore access.",
        "The reset password mail never lands in my inbox.",
        "Signing in on the {app} app rejects me since {date}.",
        "Please help me regain access to my account.",
        "Login keeps rejecting my password.",
    ],
    "technical_support": [
        "The {app} app quits the second I launch it.",
        "Seeing code {error_code} on the display, what does it mean?",
        "My {product} refuses to link up with my laptop.",
        "Can you walk me through getting the {product} running?",
        "Nothing happens when I press the power button on my {product} anymore.",
        "A software update bricked my {product}.",
        "The {product} drops its wireless connection constantly.",
        "The app hangs on a white screen.",
        "My {product} randomly reboots.",
        "I keep hitting error {error_code} during installation.",
        "The {product} has gone unresponsive after a few weeks of use.",
        "Audio is crackling on my {product}.",
        "The {app} app won't talk to my {product}.",
        "My {product} won't hold a charge anymore.",
        "How do I factory reset this thing?",
        "Firmware won't install, keeps failing with {error_code}.",
        "The {product} gets really hot and shuts down.",
        "Syncing between the {app} app and my {product} is broken.",
    ],
    "product_question": [
        "Got any {product} left?",
        "How does the {product} compare to the {product2}?",
        "What's the {product} made from?",
        "Would the {product} go with a Mac?",
        "How many years of guarantee come with the {product}?",
        "Tell me a bit more about the features of the {product}.",
        "Is the {product} offered in a {colour} finish?",
        "What does the {product} cost at the moment?",
        "Measurements of the {product}?",
        "Can the {product} handle rain?",
        "Which is the lighter option, the {product} or the {product2}?",
        "Any restock date for the {product}?",
        "Is the {product} good value compared to others?",
        "Does the {product} ship with all the accessories?",
        "What sizes does the {product} come in?",
        "How long does the {product} last on a single charge?",
        "Before I buy: does the {product} need an app to work?",
        "Is the {product} okay for someone with a small flat?",
    ],
    "human_agent": [
        "Is it possible to chat with an actual staff member?",
        "Please route me to someone real.",
        "Enough automation, I want a living person.",
        "Who's in charge? I want to talk to them.",
        "Kindly transfer this conversation to a human.",
        "Real agent now please.",
        "I'd like a team member to phone me back.",
        "I'm making an official complaint, who handles that?",
        "Take me to a person, not a script.",
        "Let me chat with your support staff directly.",
        "Bump this up to a manager.",
        "I refuse to deal with a machine.",
        "Need a human to sort this.",
        "Could a real advisor take a look?",
        "Put a person on, please.",
        "Where can I escalate this issue?",
    ],
    "out_of_scope": [
        "Will it be sunny at the weekend?",
        "Know any good riddles?",
        "Solve this equation for me: 3x plus 5 equals 20.",
        "How long do I boil an egg for?",
        "Did Arsenal win on Saturday?",
        "Why are we here?",
        "What are your political views?",
        "Which is the longest river in the world?",
        "Compose a limerick about cats.",
        "How far away is the moon?",
        "Can you suggest a nice hiking trail near {city}?",
        "How do I change a flat tyre?",
        "What's the latest news headline?",
        "Give me a fun fact.",
        "Who painted the Mona Lisa?",
        "How do I unblock my kitchen sink?",
        "My train got cancelled, how do I claim compensation from the rail company?",
        "What's a good name for my cat?",
    ],
}

# R1: text that only points at the attached image, revealing no intent.
POINTER_PHRASES: dict[str, list[str]] = {
    "train": [
        "can you help with this?", "see attached", "what now??", "pic below", "help?", "what do I do with this",
        "see the photo", "thoughts?", "this one", "as shown", "can you check", "look at this", "please have a look",
        "photo attached", "can you take a look?", "check this out", "any idea?", "what should I do?", "see image",
        "sending you a photo", "have a look at the attachment", "what do you make of this?", "need help with this",
        "about this", "please advise", "see the pic", "regarding the attached", "what can you do about this?",
        "this here", "help me with this please", "see pic", "I've attached a photo", "take a look",
        "here you go", "what's the deal with this?",
    ],
    "test": [
        "have a look at my photo", "refer to the image", "could you look into this?", "what's your take on this?",
        "pic attached, help", "see what I sent", "this thing here", "check the picture please",
        "any advice on this one?", "what am I supposed to do here?", "photo for you", "here it is",
    ],
}

# R3: says only that this is what was delivered, never whether it is broken or wrong.
ARRIVAL_PHRASES: dict[str, list[str]] = {
    "train": [
        "this is what arrived", "this is what I got", "it came like this", "look what was in the box",
        "this is what turned up today", "this is what you sent me", "this is what was delivered", "this just arrived",
        "here's what came in my parcel", "look what I received", "my order came like this",
        "this is what was in the package", "opened the box and found this", "this is how it arrived",
        "got this in the post today", "here is what showed up", "so this is what I received", "this came today",
        "this is the item I got", "parcel arrived, this is what's inside", "this is what the courier dropped off",
        "look at what came", "this is what was waiting on my doorstep", "unboxed it and this is what I have",
        "this is my delivery", "received this today", "this is what came out of the box", "my parcel contained this",
    ],
    "test": [
        "this is what landed on my doorstep", "the delivery looked like this", "this is what the postman brought",
        "here's what I was sent", "that's what came in the mail", "just opened my order, this is it",
        "the package had this in it", "this is exactly how it came", "what I received is in the photo",
        "delivered today, see for yourself", "this was inside the box",
    ],
}

PRODUCTS: dict[str, list[str]] = {
    "train": [
        "wireless headphones", "Aurora X2 phone", "ceramic mug", "ThinkBook 14 laptop", "trail running shoes",
        "desk lamp", "electric kettle", "smartwatch", "Bluetooth speaker", "coffee machine", "air fryer",
        "winter coat", "yoga mat", "office chair", "gaming mouse", "mechanical keyboard", "27-inch monitor",
        "robot vacuum", "hair dryer", "backpack", "water bottle", "denim jacket", "bedside table", "blender",
        "toaster", "electric toothbrush", "phone case", "tablet stand", "USB-C charger", "fitness tracker",
        "e-reader", "baby monitor", "wool jumper", "leather wallet", "pair of sunglasses", "cotton t-shirt",
        "Nova Buds earbuds", "PixelView webcam", "HomeHub smart plug", "frying pan", "knife set", "duvet cover",
        "wall clock", "plant pot", "kids' bike", "board game", "camping tent", "printer", "external hard drive",
        "microwave", "rice cooker",
    ],
    "test": [
        "stand mixer", "Zephyr 5 tablet", "hiking boots", "floor lamp", "glass teapot", "dash cam",
        "portable projector", "silk scarf", "footrest", "cast iron skillet", "soundbar", "electric scooter",
        "children's raincoat", "smart doorbell", "Lumio S3 camera", "memory foam pillow", "cordless drill",
        "set of wine glasses",
    ],
}

# Product kinds, so that "won't pair with my phone" gets a gadget and "doesn't fit" gets something to wear.
_SMART = frozenset({
    "wireless headphones", "Aurora X2 phone", "ThinkBook 14 laptop", "smartwatch", "Bluetooth speaker", "gaming mouse",
    "mechanical keyboard", "27-inch monitor", "robot vacuum", "fitness tracker", "e-reader", "baby monitor",
    "Nova Buds earbuds", "PixelView webcam", "HomeHub smart plug", "printer", "external hard drive",
    "electric toothbrush",
    "Zephyr 5 tablet", "dash cam", "portable projector", "soundbar", "smart doorbell", "Lumio S3 camera",
    "electric scooter"})
_APPLIANCE = frozenset({
    "desk lamp", "electric kettle", "coffee machine", "air fryer", "hair dryer", "blender", "toaster", "microwave",
    "rice cooker", "USB-C charger",
    "stand mixer", "floor lamp", "cordless drill"})
_WEAR = frozenset({
    "trail running shoes", "winter coat", "denim jacket", "wool jumper", "cotton t-shirt", "pair of sunglasses",
    "hiking boots", "silk scarf", "children's raincoat"})
_HOME = frozenset({
    "ceramic mug", "yoga mat", "office chair", "water bottle", "bedside table", "phone case", "tablet stand",
    "leather wallet", "frying pan", "knife set", "duvet cover", "wall clock", "plant pot", "kids' bike", "board game",
    "camping tent", "backpack",
    "glass teapot", "footrest", "cast iron skillet", "memory foam pillow", "set of wine glasses"})
PRODUCT_KINDS: dict[str, frozenset[str]] = {"smart": _SMART, "appliance": _APPLIANCE, "wear": _WEAR, "home": _HOME}
# Which products a skeleton's wording calls for (checked in this order); None = any product.
_KIND_RULES: tuple[tuple[re.Pattern, frozenset[str]], ...] = (
    (re.compile(r"\b(pair|bluetooth|app|firmware|software|update\w*|wifi|wireless|sync\w*|screen|display|"
                r"touchscreen|pixels|storage|notifications|microphone|calls|laptop|tv|fingerprint|iphone|android|"
                r"mac|reboots?|restart\w*|boot|battery|charge|charging|charger|audio|sound|connect\w*|offline|"
                r"glitch\w*|lags|specs|compatible|link up|lens|unresponsive|responds?|respond)\b"), _SMART),
    (re.compile(r"\b(turn on|turns off|power|powers?|plug|plugged|watts|overheats|buzzing|noise|loud|hot|dead|"
                r"timer|lights|shuts down|factory|set up|setup|running|playing up|abroad|working|works)\b"),
     _SMART | _APPLIANCE),
    (re.compile(r"\b(dishwasher|kitchen|chipped|leg|legs)\b"), _HOME | _APPLIANCE),
    (re.compile(r"\b(size|sizes|fit|fits|tight|suit|looks on me|washable|leather|fabric|zip|strap|seam|wear|"
                r"small for me|rain)\b"), _WEAR),
)


def _product_kind(template: str, intent: str | None) -> frozenset[str] | None:
    words = _PLACEHOLDER.sub(" ", template).lower()
    for pattern, kind in _KIND_RULES:
        if pattern.search(words):
            return kind
    if intent == "technical_support":
        return _SMART | _APPLIANCE
    return None


def _kind_of(product: str) -> frozenset[str] | None:
    return next((kind for kind in PRODUCT_KINDS.values() if product in kind), None)


COLOURS: tuple[str, ...] = ("black", "white", "grey", "navy", "red", "green", "beige", "pink", "silver",
                            "rose gold", "blue", "olive", "yellow", "purple", "charcoal")
SIZES: tuple[str, ...] = ("XS", "S", "M", "L", "XL", "small", "medium", "large", "8", "10", "12", "14", "38", "42",
                          "9", "UK 7", "EU 41")
APPS: tuple[str, ...] = ("ShopNow", "HomeHub", "FitTrack", "SoundLink", "Aurora Connect", "PixelView", "SmartLife",
                         "Nova")
CITIES: tuple[str, ...] = ("London", "Manchester", "Leeds", "Glasgow", "Bristol", "Dublin", "New York", "Chicago",
                           "Berlin", "Paris", "Madrid", "Toronto", "Sydney", "Edinburgh", "Cardiff", "Birmingham",
                           "Lyon", "Amsterdam")

# --------------------------------------------------------------------------------------------------------------------
# Framing sentences (context, politeness, anger), split train/test like the skeletons
# --------------------------------------------------------------------------------------------------------------------

_ORDER_INTENTS = frozenset({"order_status", "cancel_order", "change_address", "return_refund", "damaged_item",
                            "wrong_item", "payment_issue", "invoice_request", "human_agent"})
_CONTEXT: dict[str, dict[str, list[str]]] = {
    "order": {
        "train": ["I ordered the {product} {when}.", "My order number is {order}.", "Order {order}.",
                  "I bought the {product} for my mum's birthday.", "I placed an order {when}.",
                  "This is about the {product} I ordered.", "It was a present for my son.",
                  "I'm a regular customer.", "Quick one about order {order}.", "Ref {order}."],
        "test": ["I purchased the {product} {when}.", "Reference number {order}.",
                 "It's regarding my recent order, {order}.", "It was meant as a gift for my wife.",
                 "I've shopped with you for years.", "About the {product} I got from you."],
    },
    "tech": {
        "train": ["I bought the {product} from you {when}.", "I'm using the {app} app on my phone.",
                  "I've had it for about {days} days.", "It's the {product} I got last month."],
        "test": ["Got the {product} from your shop {when}.", "I use it every day."],
    },
    "account": {
        "train": ["I've had an account with you for years.", "I'm trying to check my orders.",
                  "I'm on the {app} app."],
        "test": ["I'm a long-time member.", "Trying from my laptop."],
    },
    "product": {
        "train": ["I'm thinking of buying one.", "It's for my dad.", "I saw it on your website."],
        "test": ["Looking at getting one as a present.", "Comparing a few options right now."],
    },
}


def _context_group(intent: str) -> str | None:
    if intent in _ORDER_INTENTS:
        return "order"
    return {"technical_support": "tech", "account_access": "account", "product_question": "product"}.get(intent)


_POLITE_PREFIX = {"train": ["Hi,", "Hello,", "Hi there,", "Good morning,", "Hey,", "Hello team,", "Excuse me,",
                            "Sorry to bother you,"],
                  "test": ["Good afternoon,", "Hiya,", "Hey there,", "Dear support,"]}
_POLITE_SUFFIX = {"train": ["Thanks.", "Thank you.", "Thanks in advance.", "Cheers.", "Many thanks.",
                            "Appreciate it.", "Thanks for your help."],
                  "test": ["Thanks a bunch.", "Grateful for any help.", "Kind regards.", "Much obliged."]}
# Anger that names no intent (no refund, person, cancel, broken...), for the service intents and the R1/R3 phrases.
_ANGER = {
    "train": ["This is ridiculous.", "Third time I'm asking!", "I've asked about this three times already.",
              "Absolutely unacceptable.", "I'm so fed up with this.", "I'll be leaving a one-star review.",
              "Never shopping here again.", "Sort it out now.", "This is beyond a joke.", "I'm losing my patience.",
              "Worst service ever.", "Why is this so hard?", "Seriously, what is going on?",
              "I'm really angry about this.", "Honestly, this is a disgrace.", "I'll take my business elsewhere.",
              "Deal with this today or I'm done with you.", "I'm going to post about this everywhere.",
              "Unbelievable.", "I am sick of this.", "Every single time there's a problem with you lot.",
              "Don't make me ask again."],
    "test": ["This is a total shambles.", "I'm at the end of my tether.", "I've messaged you four times now.",
             "You'll be getting a terrible review.", "I'm furious.", "What a joke of a company.",
             "I want this dealt with immediately.", "Enough is enough.", "I'm telling all my friends to avoid you.",
             "Pathetic.", "How hard can it be?", "Completely useless."],
}
# Mild impatience for greetings and off-topic chat, where a threat would change the meaning.
_MILD_ANGER = {"train": ["Ugh.", "Seriously.", "Come on.", "Hurry up.", "Really now.", "Whatever."],
               "test": ["Jeez.", "Honestly.", "Sigh."]}
_SPOKEN_FILLERS = ("um,", "uh,", "so,", "okay so", "right, um,", "yeah,")
_SPOKEN_OPENERS = ("um,", "uh,", "hi, um,", "hello, yeah,", "so,", "okay so", "right, um,", "hi there, so",
                   "hey, uh,", "yeah hi,", "hello,")
_EMPHASIS = frozenset({"still", "not", "never", "again", "nothing", "now", "twice", "wrong", "broken", "where",
                       "why", "what", "today", "no", "third", "anything", "all", "hasn't", "didn't", "won't",
                       "can't", "doesn't", "isn't", "please", "every", "money", "order"})

# --------------------------------------------------------------------------------------------------------------------
# Slot fillers: each returns (slot value, typed surface, spoken surface)
# --------------------------------------------------------------------------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_RELATIVE = ("yesterday", "last week", "two weeks ago", "the other day", "earlier this week", "a few days ago",
             "last month", "this morning", "over the weekend", "ten days ago")
_NUM_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _spell(code: str) -> str:
    """Read a code character by character the way a TTS voice should: 'A-20931' -> 'A 2 0 9 3 1'."""
    code = re.sub(r"^0[xX]", "zero x ", code)
    return " ".join(ch.upper() if ch.isalpha() and len(ch) == 1 else ch
                    for ch in re.findall(r"zero x|[A-Za-z]|\d", code))


def _fill_order(rng: random.Random) -> tuple[str, str, str]:
    kind = rng.randrange(6)
    if kind == 0:
        value = f"A-{rng.randint(10000, 99999)}"
    elif kind == 1:
        value = f"#{rng.randint(10000, 99999)}"
    elif kind == 2:
        value = f"{rng.randint(1000, 9999)}-{rng.randint(100, 999)}"
    elif kind == 3:
        value = f"{rng.choice(('BX', 'KT', 'ZR', 'MN'))}{rng.randint(10000, 99999)}"
    elif kind == 4:
        value = f"ORD-{rng.randint(100000, 999999)}"
    else:
        value = str(rng.randint(10000000, 99999999))
    return value, value, _spell(value)


def _fill_date(rng: random.Random) -> tuple[str, str, str]:
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    name = _MONTHS[month - 1]
    kind = rng.randrange(6)
    if kind == 0:
        typed = spoken = f"{day} {name}"
    elif kind == 1:
        typed = spoken = f"{name} {_ordinal(day)}"
    elif kind == 2:
        typed, spoken = f"{day:02d}/{month:02d}", f"the {_ordinal(day)} of {name}"
    elif kind == 3:
        typed = spoken = f"the {_ordinal(day)}"
    elif kind == 4:
        typed = spoken = rng.choice(_WEEKDAYS)
    else:
        typed, spoken = f"{day} {name[:3]}", f"{day} {name}"
    return typed, typed, spoken


def _fill_when(rng: random.Random) -> tuple[str, str, str]:
    kind = rng.randrange(4)
    if kind == 0:
        value = rng.choice(_RELATIVE)
        return value, value, value
    if kind == 1:
        value = f"last {rng.choice(_WEEKDAYS)}"
        return value, value, value
    _, typed, spoken = _fill_date(rng)
    return typed, f"on {typed}", f"on {spoken}"


def _fill_amount(rng: random.Random) -> tuple[str, str, str]:
    whole = rng.randint(3, 99) if rng.random() < 0.6 else rng.randint(100, 1500)
    cents = rng.choice((0, 0, 99, 50, 49, 95, rng.randint(1, 98)))
    decimal = f"{whole}.{cents:02d}" if cents else str(whole)
    currency = rng.choice(("GBP", "USD", "EUR"))
    kind = rng.randrange(4)
    if currency == "GBP":
        typed = (f"£{decimal}", f"£{decimal}", decimal, f"{decimal} GBP")[kind]
        unit = "pounds"
    elif currency == "USD":
        typed = (f"${decimal}", f"${decimal}", f"{decimal} USD", f"{decimal} dollars")[kind]
        unit = "dollars"
    else:
        typed = (f"EUR {decimal}", f"€{decimal}", f"{decimal} euros", f"{decimal.replace('.', ',')} EUR")[kind]
        unit = "euros"
    spoken = f"{whole} {unit} {cents}" if cents else f"{whole} {unit}"
    return typed, typed, spoken


def _fill_error_code(rng: random.Random) -> tuple[str, str, str]:
    kind = rng.randrange(6)
    if kind == 0:
        value = f"E-{rng.randint(100, 999)}"
    elif kind == 1:
        value = f"E{rng.randint(10, 99)}"
    elif kind == 2:
        value = f"0x{rng.randrange(16 ** 8):08X}"
    elif kind == 3:
        value = f"ERR-{rng.randint(1000, 9999)}"
    elif kind == 4:
        value = f"F{rng.randint(1, 99):02d}"
    else:
        value = str(rng.choice((401, 403, 404, 500, 502, 503)))
    return value, value, _spell(value)


def _plain(value: str) -> tuple[str, str, str]:
    return value, value, value


def _pick_other(rng: random.Random, pool, taken: str | None) -> str:
    choices = [p for p in pool if p != taken]
    return rng.choice(choices)


_PLURAL_PRODUCTS = frozenset({"wireless headphones", "trail running shoes", "Nova Buds earbuds", "hiking boots"})


def _fix_articles(template: str, values: dict[str, tuple[str, str, str]]) -> str:
    """'a {product}' -> 'an e-reader' / 'hiking boots' (no article for plurals)."""
    def repl(m: re.Match) -> str:
        article, name = m.group(1), m.group(2)
        value = values.get(name, ("",))[0]
        if value in _PLURAL_PRODUCTS:
            return "{" + name + "}"
        if value[:1].lower() in "aeiou":
            return f"{article}n {{{name}}}"
        return m.group(0)
    return re.sub(r"\b([Aa]) \{(product2?)\}", repl, template)


@dataclass
class _Filled:
    text: str
    slots: dict[str, str]


_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


def _fill(template: str, rng: random.Random, held_out: bool, style: str,
          kind: frozenset[str] | None = None) -> _Filled:
    """Fill every placeholder (one value per name, in order of first use); slots hold the typed/canonical value."""
    split = "test" if held_out else "train"
    found = set(_PLACEHOLDER.findall(template))
    unknown = found - set(SLOT_KEYS)
    if unknown:
        raise KeyError(f"unknown placeholder(s) {sorted(unknown)} in {template!r}")
    names = [name for name in SLOT_KEYS if name in found]  # 'product' before 'product2', so the two differ
    values: dict[str, tuple[str, str, str]] = {}
    for name in names:
        if name == "product":
            pool = [p for p in PRODUCTS[split] if kind is None or p in kind] or PRODUCTS[split]
            values[name] = _plain(rng.choice(pool))
        elif name == "product2":  # the same kind of thing as {product}: "ordered the blender, got a toaster"
            first = values["product"][0] if "product" in values else None
            same = _kind_of(first) if first else kind
            pool = [p for p in PRODUCTS[split] if (same is None or p in same) and p != first]
            values[name] = _plain(rng.choice(pool or [p for p in PRODUCTS[split] if p != first]))
        elif name == "colour":
            values[name] = _plain(rng.choice(COLOURS))
        elif name == "colour2":
            values[name] = _plain(_pick_other(rng, COLOURS, values.get("colour", ("",))[0]))
        elif name == "size":
            values[name] = _plain(rng.choice(SIZES))
        elif name == "size2":
            values[name] = _plain(_pick_other(rng, SIZES, values.get("size", ("",))[0]))
        elif name == "order":
            values[name] = _fill_order(rng)
        elif name == "date":
            values[name] = _fill_date(rng)
        elif name == "when":
            values[name] = _fill_when(rng)
        elif name == "amount":
            values[name] = _fill_amount(rng)
        elif name == "days":
            values[name] = _plain(str(rng.randint(2, 30)))
        elif name == "app":
            values[name] = _plain(rng.choice(APPS))
        elif name == "error_code":
            values[name] = _fill_error_code(rng)
        elif name == "city":
            values[name] = _plain(rng.choice(CITIES))
        else:  # pragma: no cover - SLOT_KEYS and this chain are kept in step
            raise KeyError(name)
    column = 2 if style == "spoken" else 1
    template = _fix_articles(template, values)
    text = _PLACEHOLDER.sub(lambda m: values[m.group(1)][column], template)
    return _Filled(text, {name: values[name][0] for name in names})


# --------------------------------------------------------------------------------------------------------------------
# Text transforms (applied to the template outside placeholders, so slot values stay intact)
# --------------------------------------------------------------------------------------------------------------------

def _map_outside(template: str, fn) -> str:
    parts = re.split(r"(\{[a-z0-9_]+\})", template)
    return "".join(p if _PLACEHOLDER.fullmatch(p) else fn(p) for p in parts)


# (British, American) pairs; the American form is only turned back into British when the pair is reversible.
_SPELLINGS: tuple[tuple[str, str, bool], ...] = (
    ("colours", "colors", True), ("colour", "color", True), ("cancelled", "canceled", True),
    ("cancelling", "canceling", True), ("organise", "organize", True), ("favourite", "favorite", True),
    ("recognised", "recognized", True), ("recognise", "recognize", True), ("unauthorised", "unauthorized", True),
    ("pre-authorisation", "pre-authorization", True), ("itemised", "itemized", True), ("itemise", "itemize", True),
    ("neighbour", "neighbor", True), ("tyre", "tire", False), ("maths", "math", False), ("cheque", "check", False),
    ("postcode", "zip code", False), ("lasagne", "lasagna", True), ("instalment", "installment", True),
    ("grey", "gray", True),
)


def _match_case(src: str, repl: str) -> str:
    if src.isupper() and len(src) > 1:
        return repl.upper()
    if src[:1].isupper():
        return repl[:1].upper() + repl[1:]
    return repl


def _respell(text: str, rng: random.Random) -> str:
    to_american = rng.random() < 0.45
    for brit, amer, reversible in _SPELLINGS:
        src, dst = (brit, amer) if to_american else (amer, brit)
        if not to_american and not reversible:
            continue
        text = re.sub(rf"\b{re.escape(src)}\b", lambda m, d=dst: _match_case(m.group(0), d), text,
                      flags=re.IGNORECASE)
    return text


_SHORTHAND: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"\bplease\b", ("pls", "plz", "pls")), (r"\bthanks\b", ("thx", "thanks", "thnx")),
    (r"\bthank you\b", ("ty", "thank u")), (r"\bare you\b", ("r u",)), (r"\byou\b(?!')", ("u",)),
    (r"\byour\b", ("ur",)), (r"\bbecause\b", ("cos", "bc")), (r"\btomorrow\b", ("tmrw",)),
    (r"\bas soon as possible\b", ("asap",)), (r"\bokay\b", ("ok", "k")), (r"\bmessage\b", ("msg",)),
    (r"\bI don't know\b", ("idk",)), (r"\bby the way\b", ("btw",)),
    (r"\bwith\b", ("w/", "with", "with")), (r"\bpeople\b", ("ppl",)),
)


def _shorthand(text: str, rng: random.Random) -> str:
    for pattern, options in _SHORTHAND:
        def repl(m: re.Match, options=options) -> str:
            if rng.random() < 0.7:
                return _match_case(m.group(0), rng.choice(options))
            return m.group(0)
        text = re.sub(pattern, repl, text, flags=re.IGNORECASE)
    return text


_MISSPELLINGS = {"received": "recieved", "address": "adress", "definitely": "definately", "separate": "seperate",
                 "tomorrow": "tommorow", "which": "wich", "arrived": "arived", "receipt": "reciept",
                 "business": "buisness", "because": "becuase", "delivery": "delivry", "password": "pasword",
                 "cancelled": "canceled", "wrong": "wrng", "order": "oder", "refund": "refnd",
                 "account": "acount", "still": "stil", "really": "realy"}


def _typo_word(word: str, rng: random.Random) -> str:
    low = word.lower()
    if low in _MISSPELLINGS and rng.random() < 0.5:
        return _match_case(word, _MISSPELLINGS[low])
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:  # swap two neighbouring letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:  # drop a letter
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]  # double a letter


def _typos(text: str, rng: random.Random, rate: float) -> str:
    return re.sub(r"[A-Za-z]{4,}", lambda m: _typo_word(m.group(0), rng) if rng.random() < rate else m.group(0),
                  text)


def _drop_apostrophes(text: str) -> str:
    return re.sub(r"(?<=[A-Za-z])'(?=[A-Za-z])", "", text)


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith(","):
            out = f"{out} {_decapitalise(part)}"
        else:
            if out[-1] not in ".?!":
                out += "."
            out = f"{out} {part}"
    return out


def _decapitalise(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first.startswith("{") or first in {"I", "I'm", "I've", "I'd", "I'll"} or first.startswith("I'"):
        return text
    if len(first) > 1 and any(ch.isupper() for ch in first[1:]):
        return text  # brand names such as PayPal, ThinkBook
    return text[:1].lower() + text[1:]


def _angry_punctuation(template: str, rng: random.Random, style: str) -> str:
    def repl(m: re.Match) -> str:
        mark = m.group(0)
        if style == "spoken":
            return "!" if mark == "." and rng.random() < 0.6 else mark
        if mark == "?":
            return rng.choice(("??", "???", "?!", "?!!", "?"))
        return rng.choice(("!", "!!", "!!!", "!!!!", "."))
    text = re.sub(r"[.?!](?=\s|$)", repl, template)
    if style == "typed" and text and text[-1] not in ".?!":
        text += rng.choice(("!!", "!!!", "!"))
    return text


def _shout(text: str, rng: random.Random) -> str:
    """Upper-case a couple of emphasis words (or the whole message) the way an angry typist does."""
    if rng.random() < 0.3:
        return text.upper()
    words = list(re.finditer(r"[A-Za-z']+", text))
    picks = [m for m in words if m.group(0).lower() in _EMPHASIS]
    if not picks:
        picks = [m for m in words if len(m.group(0)) >= 4]
    if not picks:
        return text
    chosen = {id(m) for m in rng.sample(picks, min(len(picks), rng.randint(1, 2)))}
    out, last = [], 0
    for m in words:
        if id(m) in chosen:
            out.append(text[last:m.start()])
            out.append(m.group(0).upper())
            last = m.end()
    out.append(text[last:])
    return "".join(out)


def _spoken_clean(text: str) -> str:
    text = text.replace("&", " and ").replace("/", " or ").replace("%", " percent")
    text = re.sub(r"[:;]", ",", text)
    text = re.sub(r"[^A-Za-z0-9 ,.'?!\-]", " ", text)
    text = re.sub(r"!+", "!", text)
    text = re.sub(r"\?[?!]*", "?", text)
    text = re.sub(r"\s+([,.?!])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _finish_typed(text: str, rng: random.Random, tone: str) -> str:
    if tone == "calm" and rng.random() < 0.3:
        text = text.rstrip(".")
    return re.sub(r"\s+", " ", text).strip()


def _style_template(template: str, rng: random.Random, style: str, tone: str) -> str:
    """Spelling variants for both styles; typos, shorthand and dropped apostrophes for typed text only."""
    template = _map_outside(template, lambda s: _respell(s, rng)) if rng.random() < 0.5 else template
    if style != "typed":
        return template
    if rng.random() < 0.3:
        template = _map_outside(template, lambda s: _shorthand(s, rng))
    if rng.random() < 0.3:
        template = _map_outside(template, _drop_apostrophes)
    if rng.random() < 0.35:
        rate = rng.choice((0.05, 0.08, 0.12))
        template = _map_outside(template, lambda s: _typos(s, rng, rate))
    return template


def _render(parts: list[str], rng: random.Random, held_out: bool, tone: str, style: str,
            intent: str | None = None) -> _Filled:
    template = _join(parts)
    kind = _product_kind(template, intent)
    if tone == "frustrated":
        template = _angry_punctuation(template, rng, style)
    template = _style_template(template, rng, style, tone)
    filled = _fill(template, rng, held_out, style, kind)
    text = filled.text
    if style == "spoken":
        if rng.random() < 0.45:
            greeted = re.match(r"(hi|hello|hey|hiya|good|dear|excuse|sorry)\b", text, flags=re.IGNORECASE)
            openers = _SPOKEN_FILLERS if greeted else _SPOKEN_OPENERS
            text = f"{rng.choice(openers)} {_decapitalise(text)}"
        text = _spoken_clean(text)
    else:
        if tone == "frustrated" and rng.random() < 0.65:
            text = _shout(text, rng)
        elif tone == "calm" and rng.random() < 0.25:
            text = text.lower()
        text = _finish_typed(text, rng, tone)
    return _Filled(text, filled.slots)


def _check(tone: str, style: str) -> None:
    if tone not in TONES:
        raise ValueError(f"unknown tone {tone!r}; expected one of {TONES}")
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {STYLES}")


# --------------------------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------------------------

def make_text(intent: str, rng: random.Random, held_out: bool, tone: str, style: str = "typed") -> tuple[str, dict]:
    """A filled utterance for ``intent`` and its slots dict (e.g. ``{"order": "A-20931", "product": "desk lamp"}``).

    ``held_out`` picks the test skeletons, products and framing sentences instead of the train ones. Slot values are
    the canonical (typed) forms even when the spoken text reads them out differently ("A 2 0 9 3 1").
    """
    if intent not in TRAIN_SKELETONS:
        raise ValueError(f"unknown intent {intent!r}")
    _check(tone, style)
    split = "test" if held_out else "train"
    skeleton = rng.choice((TEST_SKELETONS if held_out else TRAIN_SKELETONS)[intent])
    parts = [skeleton]
    group = _context_group(intent)
    if group is not None and rng.random() < 0.3:
        used = set(_PLACEHOLDER.findall(skeleton))
        options = [c for c in _CONTEXT[group][split] if not used & set(_PLACEHOLDER.findall(c))]
        if options:
            context = rng.choice(options)
            parts = [context, skeleton] if rng.random() < 0.75 else [skeleton, context]
    service = intent not in ("greeting", "out_of_scope")
    if tone == "frustrated":
        pool = _ANGER[split] + _MILD_ANGER[split] if service else _MILD_ANGER[split]
        if rng.random() < (0.75 if service else 0.4):
            phrase = rng.choice(pool)
            parts = [phrase] + parts if rng.random() < 0.4 else parts + [phrase]
        if service and rng.random() < 0.2:
            parts.append(rng.choice(_ANGER[split]))
            if parts[-1] == parts[-2]:
                parts.pop()
    elif service:
        if rng.random() < 0.3:
            parts = [rng.choice(_POLITE_PREFIX[split])] + parts
        if rng.random() < 0.25:
            parts = parts + [rng.choice(_POLITE_SUFFIX[split])]
    filled = _render(parts, rng, held_out, tone, style, intent)
    return filled.text, filled.slots


def _phrase_text(pool: dict[str, list[str]], rng: random.Random, held_out: bool, tone: str, style: str) -> str:
    _check(tone, style)
    split = "test" if held_out else "train"
    phrase = rng.choice(pool[split])
    if rng.random() < 0.5:
        phrase = phrase[:1].upper() + phrase[1:]
    parts = [phrase]
    if tone == "frustrated":
        if rng.random() < 0.6:
            extra = rng.choice(_ANGER[split] + _MILD_ANGER[split])
            parts = parts + [extra] if rng.random() < 0.7 else [extra] + parts
    else:
        if rng.random() < 0.2:
            parts = [rng.choice(("hi,", "hello,", "hey,"))] + parts
        if rng.random() < 0.2:
            parts.append(rng.choice(("thanks", "thank you", "please")))
    text = _render(parts, rng, held_out, tone, style).text
    return text if text.strip() else phrase


def pointer_text(rng: random.Random, held_out: bool, tone: str, style: str = "typed") -> str:
    """Rule R1: a text that only points at the attached image ("see attached", "help?"); never empty."""
    return _phrase_text(POINTER_PHRASES, rng, held_out, tone, style)


def arrival_text(rng: random.Random, held_out: bool, tone: str, style: str = "typed") -> str:
    """Rule R3: "this is what arrived" - says only that this was delivered, not whether it is broken or wrong."""
    return _phrase_text(ARRIVAL_PHRASES, rng, held_out, tone, style)


# --------------------------------------------------------------------------------------------------------------------
# Tone framing for refitting the tone head (mmdemo.adapt_tone); the data build does not use it, so the splits are
# unchanged. In the build, every typed frustrated text gets angry punctuation and no calm one gets "!", so a tone
# head can learn "!" = angry; these pools put the anger in the words, and the "!" and the capitals in calm texts too.
# Written for this project (2026-12-01) by a writer shown only the tone definition; training side only.
# --------------------------------------------------------------------------------------------------------------------

_WORDED_ANGER = [
    "This is the third time I've asked.", "i've asked about this four times now",
    "Writing again because nobody bothered to answer the last two times.",
    "Yet another message, yet another day of being ignored.", "How many times do I have to explain this?",
    "I've been waiting for days and still nothing.", "still waiting. shocking.",
    "Two weeks. Two whole weeks and not a word from you.",
    "I have been on hold for over an hour, which is ridiculous.", "Honestly, I'm done with you lot.", "I give up.",
    "That's it, I'm finished with this shop.", "Great, just great.",
    "oh brilliant, another copy-paste reply that tells me nothing",
    "Wow, what fantastic service, truly world class.", "ffs, just sort it out", "This is bloody ridiculous.",
    "Damn it, this should have been sorted ages ago.", "What the hell is taking so long?", "ugh. here we go again.",
    "Argh, I can't believe I'm still dealing with this.", "I'll be taking my business elsewhere!",
    "Expect a one-star review from me.", "Everyone I know will hear about how you treated me.",
    "Stop giving me the runaround.", "Every time I write I get passed along to someone else.",
    "Is anyone actually reading these messages?", "I am sick and tired of this.",
    "Fed up doesn't even begin to cover it.", "absolutely fed up with this whole situation",
    "Your silence is insulting.", "I was promised an update yesterday and, surprise, nothing.",
    "UTTERLY UNACCEPTABLE.", "Do you even care about your customers?",
    "Worst experience I've ever had with a company, hands down.", "I'm LOSING my patience here.",
    "My patience has completely run out.", "I realise you're busy, but this is beyond pathetic.",
    "Still no answer 😤", "asked three times already 🙄", "This is beyond a joke 😡", "Ignored yet again 😠",
    "wow, thanks for the help... not 🙄", "days of waiting for this nonsense 🤬", "I am so done with this company 😤",
    "Another week gone and nothing has changed 😡", "seriously?? 😠", "Cheers for the useless reply 🙄", "I'm fuming 🤬",
    "Not impressed, not one bit 😤", "I have asked AGAIN and AGAIN.", "It has been WEEKS.",
    "Still NOTHING from your side.", "i am STILL waiting", "Why does NOBODY respond?",
    "This is the FIFTH time I'm writing.", "You said it would be sorted. It's NOT.", "Absolutely USELESS support.",
    "I've waited THREE days for a reply", "NEVER shopping here again!", "Can someone please LISTEN for once?",
    "every single time, the SAME excuse", "I am DONE being patient.", "How is this STILL not resolved?",
    "THIS IS RIDICULOUS", "WHY IS NOBODY ANSWERING ME", "I HAVE BEEN WAITING FOR HOURS.", "ENOUGH IS ENOUGH!"
]
_FRIENDLY_EXCLAIM = [
    "Hi there!", "Hello, hope you're having a lovely day!", "Thanks so much in advance!", "Good morning!",
    "hey! quick one for you", "Sorry to bother you!", "Have a great day!", "Cheers, you're a star!",
    "I'm so excited about my new purchase!", "Absolutely love this shop!", "Thank you, you've been really helpful!",
    "Hiya! Hope all is well.", "Happy Friday!", "Many thanks, much appreciated!",
    "Evening! Hope your shift is going well.", "Wishing you a wonderful weekend!", "Thanks a million! 😊",
    "Hello from a very happy customer! 🙂", "Brilliant, thank you!", "You guys are awesome!",
    "Sorry for the long message!", "Apologies for the bother, you're all so kind!", "Can't wait to try it out!",
    "Just wanted to say hi!", "Thanks for being so lovely! 😀", "Hope your day is going great! 👍",
    "Greetings from sunny Spain!", "Oh, this is exciting!", "Big thanks to the whole team!",
    "Good afternoon, hope you're well!", "Take care and thanks again!", "Have a fab evening! 😊",
    "Merry Christmas to you all!", "You made my day!", "Really appreciate your help!!", "yay, thank you!",
    "Best wishes to you and the team!", "I'm thrilled with how quickly you replied! 🙂",
    "Hello hello! Hope the week's treating you kindly.", "Thanks ever so much, have a good one!"
]
_PATIENT_WAITING = [
    "No rush at all, whenever you get a chance.", "Just following up on my earlier message, thanks.",
    "I understand these things take time.", "Happy to wait a few more days.",
    "I'm still here if you need anything else from me.",
    "Asking again in case my last message got lost in the shuffle.",
    "It's been a week, so I thought I'd check in politely.", "Take your time, I'm in no hurry.",
    "i realise you're busy, no worries", "Just a gentle reminder about my previous message.",
    "I'll wait patiently, thanks for looking into it.", "Sorry to ask again, I know you're working on it.",
    "hi again, just checking in", "I've been waiting a couple of days, but I'm sure you'll get to it.",
    "Still keen to hear back when convenient.", "Whenever suits you is fine by me.",
    "I appreciate it may take a few weeks.", "Writing once more just to keep this thread alive, thank you.",
    "It's fine if it takes until next week.", "I know it's a busy time of year, so no pressure.",
    "Following up, as promised, with a quick note.", "Hope I'm not being a nuisance by asking a second time.",
    "I've waited a while, but honestly it's no problem.",
    "Kindly let me know when you have a moment; there is no urgency.",
    "still waiting but totally understand, cheers", "I don't mind waiting another day or two.",
    "Checking back in after the weekend, hope that's okay.",
    "I realize you get lots of messages, so thanks for bearing with me.", "A week or so is perfectly reasonable.",
    "Just me again, popping in for an update whenever it's convenient."
]
_CALM_CAPS = [
    "FYI, I'll be away until Monday.", "TIA for your help.", "BTW, I love the new website.",
    "I'm writing from the UK.", "I work an NHS job, so evenings suit me best.", "PS: have a lovely weekend.",
    "No need to reply ASAP, whenever is fine.", "LOL, I knew I'd forget something.",
    "I'm based in the USA, on Pacific time.", "Heard about your shop on a BBC podcast, lovely story.",
    "I'm usually free after 5 PM.", "IMO your team does a great job.", "I'm in the EU, if that matters.",
    "NB: I'm a long-time customer and very happy.", "OK, sounds good to me."
]


def make_tone_text(intent: str, rng: random.Random, tone: str) -> str:
    """A typed training-skeleton text for ``intent`` whose ``tone`` is carried the way chat users carry it: anger in
    words (sometimes with "!", capitals or an angry emoji), calm sometimes cheerful with "!", patient about waiting,
    or with acronyms in capitals. For the tone head only: the framing may not suit the intent's wording."""
    _check(tone, "typed")
    text, _ = make_text(intent, rng, held_out=False, tone="calm", style="typed")
    if tone == "frustrated":
        phrase = rng.choice(_WORDED_ANGER) if rng.random() < 0.7 else rng.choice(_ANGER["train"])
        text = _join_framed([phrase, text] if rng.random() < 0.4 else [text, phrase])
        if rng.random() < 0.4:
            text = _angry_punctuation(text, rng, "typed")
        if rng.random() < 0.4:
            text = _shout(text, rng)
        elif rng.random() < 0.2:
            text = text.lower()
        return text
    roll = rng.random()
    pool = _FRIENDLY_EXCLAIM if roll < 0.4 else _PATIENT_WAITING if roll < 0.6 else _CALM_CAPS if roll < 0.7 else None
    if pool is not None:
        text = _join_framed([rng.choice(pool), text] if rng.random() < 0.5 else [text, rng.choice(pool)])
    if rng.random() < 0.2 and text[-1:].isascii():
        text = text[:-1] + "!" if text.endswith(".") else text + "!"
    return text


def _join_framed(parts: list[str]) -> str:
    """_join, except that a part ending in an emoji needs no full stop after it."""
    first, second = parts
    return f"{first} {second}" if first and not first[-1].isascii() else _join(parts)


def skeleton_counts() -> dict[str, int]:
    """Train skeletons per intent, counted before slots are filled."""
    return {intent: len(TRAIN_SKELETONS[intent]) for intent in INTENTS}
